package org.pytree4j.samples.moons;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** Writes the training loss and the learning rate per step as one PNG (loss left axis, lr right). */
public final class TrainingChart {
  private TrainingChart() {}

  /** Writes {@code training-curves.png} into {@code dir} and returns its path. */
  public static Path write(Path dir, List<Integer> steps, List<Double> losses, List<Double> learningRates)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    XYChart chart = new XYChartBuilder().width(900).height(500)
        .title("two moons: training loss and learning rate")
        .xAxisTitle("step")
        .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    XYSeries loss = chart.addSeries("training loss", steps, losses);
    loss.setYAxisGroup(0);
    XYSeries lr = chart.addSeries("learning rate", steps, learningRates);
    lr.setYAxisGroup(1);
    chart.setYAxisGroupTitle(0, "loss");
    chart.setYAxisGroupTitle(1, "learning rate");
    Path file = dir.resolve("training-curves.png");
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
