// The error that stops a run whose loss became NaN or exploded, with what to try. At the first
// step no update has happened yet, so the learning rate cannot be the cause: the message names
// the likelier ones (the loss on raw scores, the initial params, the data).
import { shortNumber } from "../short-number.js";

export class DivergedError extends Error {
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly lr: number | undefined,
  ) {
    super(divergedMessage(step, loss, lr));
    this.name = "DivergedError";
  }
}

function divergedMessage(step: number, loss: number, lr: number | undefined): string {
  const what = Number.isNaN(loss) ? "became NaN" : `exploded to ${shortNumber(loss)}`;
  if (step === 1) {
    return (
      `the loss ${what} at step 1, before any update, so the learning rate is not the cause. Likelier causes: ` +
      `cross_entropy on raw scores (it needs probabilities: use softmax_cross_entropy(logits, t), or a softmax before it), ` +
      `a log or division of a value that can be 0 or negative, initial params too large (the init's std), or data with huge values`
    );
  }
  const lrText = lr !== undefined ? ` (--lr ${shortNumber(lr)})` : "";
  const tryText = lr !== undefined ? `; try a 10x lower learning rate, --lr ${shortNumber(lr / 10)}` : "; try a lower learning rate";
  return `the loss ${what} at step ${step}: the learning rate is probably too high${lrText}${tryText}`;
}
