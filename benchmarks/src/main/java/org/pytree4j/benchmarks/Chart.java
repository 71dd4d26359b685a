package org.pytree4j.benchmarks;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** How a step's cost grows with params (left, log-log) and with leaves (right, log-linear), as one PNG. */
final class Chart {
  private Chart() {}

  static void write(Report report, Path file) throws IOException {
    XYChart byParams = chart("adam step vs params (one leaf)", "params", "ms per step", true);
    add(byParams, "floor (1 core)", report.paramSeries(), 0);
    add(byParams, "applyGradients", report.paramSeries(), 1);
    add(byParams, "applyGradientsDonating", report.paramSeries(), 2);
    // linear in time: the steps span a few ms, within one decade, where a log axis has no labels
    XYChart byLeaves = chart("adam step vs leaves (1M params)", "leaves", "ms per step", false);
    byLeaves.getStyler().setYAxisMin(0.0);
    add(byLeaves, "applyGradients", report.leafSeries(), 0);
    add(byLeaves, "applyGradientsDonating", report.leafSeries(), 1);
    add(byLeaves, "flatten(adam): applyGradients", report.flattenedLeafSeries(), 0);
    add(byLeaves, "flatten(adam): applyGradientsDonating", report.flattenedLeafSeries(), 1);
    Report.Time floor = report.time("ScalingBenchmark.floor", "params", "1000000");
    if (floor != null) {
      byLeaves.addSeries("floor, 1M params (1 core)", new double[] {1, 10000}, new double[] {floor.median(), floor.median()})
          .setMarker(SeriesMarkers.NONE);
    }
    BufferedImage left = BitmapEncoder.getBufferedImage(byParams);
    BufferedImage right = BitmapEncoder.getBufferedImage(byLeaves);
    BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(), Math.max(left.getHeight(), right.getHeight()),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.drawImage(left, 0, 0, null);
    g.drawImage(right, left.getWidth(), 0, null);
    g.dispose();
    ImageIO.write(both, "png", file.toFile());
  }

  private static XYChart chart(String title, String x, String y, boolean logY) {
    XYChart chart = new XYChartBuilder().width(640).height(440).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(logY).setLegendPosition(
        org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    return chart;
  }

  private static void add(XYChart chart, String name, Map<Long, Report.Time[]> series, int column) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    series.forEach((x, times) -> {
      if (times[column] != null) {
        xs.add((double) x);
        ys.add(times[column].median());
      }
    });
    if (!xs.isEmpty()) {
      chart.addSeries(name, xs, ys);
    }
  }
}
