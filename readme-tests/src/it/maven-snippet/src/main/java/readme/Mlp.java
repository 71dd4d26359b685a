package readme;

import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;

@PyTreeNode
public record Mlp(Dense hidden, Dense out,
                  @Field(pytreeNode = false) String activation) implements MlpPyTree.With {}
