// What a model asks of its data: the number of classes its target holds, so that a label it
// cannot represent (7 for a 3-class model) is a data error naming the file and row before any
// training, never a silent wrong run or an 8×8 confusion matrix.
import type { Graph } from "../graph/ir.js";
import type { ResolveOptions } from "../runtime/data/index.js";

/** The class count of the model's target and a note saying so; {} for a regression target. */
export function classOptions(g: Graph): Pick<ResolveOptions, "classes" | "classesNote"> {
  const target = g.inputs.find((i) => i.role === "target");
  const classes = target?.classes;
  if (target === undefined || classes === undefined) return {};
  return { classes, classesNote: `${g.model}'s target '${target.name}' has ${classes} classes, so labels must be 0..${classes - 1}` };
}
