// The `nnc` command line: argument parsing (commander), then one function per command in
// src/commands/. Exit codes: 0 success, 1 errors in a model or its data, 2 usage errors, 3 a bug
// in nnc, 130 interrupted (Ctrl-C, with a checkpoint). No stack trace reaches a user unless NNC_DEBUG=1.
// Each command's module is imported when the command runs: `nnc train` does not load the LSP,
// ONNX or formatter code (start-up time is part of what a user waits for).
import { Command, CommanderError, Option } from "commander";
import type { Io } from "./commands/io.js";
import { UsageError } from "./commands/io.js";
import { userError } from "./commands/errors.js";
import { enableFma } from "./runtime/fma.js";

const processIo: Io = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
};

/** `--set a=1 --set b=2` -> { a: "1", b: "2" } */
function collectSet(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new UsageError(`--set expects name=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1).trim() };
}

const setOption = () => new Option("--set <name=value>", "override a hyperparameter (repeatable)").argParser(collectSet).default({});

export function buildProgram(io: Io, result: { code: number }): Command {
  const program = new Command("nnc")
    .description("nnc: a declarative neural-network language and compiler for JavaScript")
    .version("0.1.0")
    .showHelpAfterError("(run nnc --help for usage)")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  program
    .command("check")
    .description("parse, elaborate and shape-check models; one line per model")
    .argument("<files...>", ".nn files")
    .addOption(setOption())
    .option("--json", "print a JSON report")
    .action(async (files: string[], opts) => {
      result.code = await (await import("./commands/check.js")).checkCommand(files, opts, io);
    });

  program
    .command("summary")
    .description("a per-layer table (as Keras's model.summary()): shapes, parameter counts, FLOPs of one training step")
    .argument("<file>", ".nn file")
    .addOption(setOption())
    .option("--model <name>", "which model, when the file has several")
    .option("--batch <n>", "the batch size the FLOPs are counted at (default: the model's batch_size, else 100)")
    .option("--json", "print one JSON object")
    .action(async (file: string, opts) => {
      result.code = await (await import("./commands/summary.js")).summaryCommand(file, opts, io);
    });

  program
    .command("graph")
    .description("print the elaborated graph (Graphviz dot or JSON)")
    .argument("<file>", ".nn file")
    .addOption(setOption())
    .addOption(new Option("--format <format>", "output format").choices(["dot", "json"]).default("dot"))
    .option("--model <name>", "which model, when the file has several")
    .option("--backward", "include the backward graph (gradients of the loss)")
    .action(async (file: string, opts) => {
      result.code = await (await import("./commands/graph.js")).graphCommand(file, opts, io);
    });

  program
    .command("gradcheck")
    .description("compare every param's analytic gradient with the numerical one (float64)")
    .argument("<file>", ".nn file")
    .addOption(setOption())
    .option("--seed <n>", "seed of the random inputs and initial params", "0")
    .option("--batch <n>", "rows in the random batch", "8")
    .option("--samples <n>", "coordinates checked per param (default 10)")
    .option("--all", "check every coordinate")
    .option("--tolerance <x>", "maximum relative error (default 1e-6)")
    .option("--h <x>", "step of the central difference (default 1e-4, the book's)")
    .option("--model <name>", "which model, when the file has several")
    .option("--json", "print one JSON object")
    .action(async (file: string, opts) => {
      result.code = await (await import("./commands/gradcheck.js")).gradcheckCommand(file, opts, io);
    });

  program
    .command("compile")
    .description("compile a model to a standalone ES module (OUT.js) and its types (OUT.d.ts), or a JAX module (--target jax)")
    .argument("<file>", ".nn file")
    .option("-o, --output <file>", "the module to write, e.g. model.js (model.py with --target jax)")
    .addOption(new Option("--target <target>", "js (an ES module, the default) or jax (a Python module)").choices(["js", "jax"]))
    .addOption(setOption())
    .addOption(new Option("--dtype <dtype>", "element type of params and buffers").choices(["f32", "f64"]).default("f32"))
    .addOption(
      new Option("--backend <backend>", "where matmuls run: WebAssembly SIMD (default for f32) or plain JS (always for f64)").choices([
        "js",
        "wasm",
      ]),
    )
    .option("--batch <n>", "fix the batch size (every loop bound a constant)")
    .option("--no-zero-skipping", "keep every matmul dense (wasm): 0 · Inf in a weight gives NaN, as IEEE arithmetic has it")
    .option("--model <name>", "which model, when the file has several")
    .action(async (file: string, opts) => {
      result.code = await (await import("./commands/compile.js")).compileCommand(file, opts, io);
    });

  program
    .command("export")
    .description("write a model's inference graph and trained params as an ONNX file")
    .argument("<file>", ".nn file")
    .option("--params <file>", "the trained params (params.safetensors of a run)")
    .option("-o, --output <file>", "the ONNX file to write, e.g. model.onnx")
    .addOption(setOption())
    .option("--opset <n>", "the ONNX opset to write (17 to 21)", "17")
    .option("--model <name>", "which model, when the file has several")
    .action(async (file: string, opts) => {
      result.code = await (await import("./commands/export.js")).exportCommand(file, opts, io);
    });

  program
    .command("import")
    .description("turn an ONNX model into a .nn file and its weights (OUT.safetensors beside it)")
    .argument("<file>", "ONNX file")
    .option("-o, --output <file>", "the .nn file to write, e.g. mlp.nn")
    .option("--name <name>", "the model's name (default: from the output file's name)")
    .action(async (file: string, opts) => {
      result.code = await (await import("./commands/import.js")).importCommand(file, opts, io);
    });

  program
    .command("fmt")
    .description("format .nn files in the canonical style; prints the result unless --check or --write")
    .argument("<files...>", ".nn files")
    .option("--check", "list the files that are not formatted; exit 1 if any")
    .option("--write", "rewrite the files that change")
    .action(async (files: string[], opts) => {
      result.code = await (await import("./commands/fmt.js")).fmtCommand(files, opts, io);
    });

  program
    .command("train")
    .description("train a model on real data; writes params, metrics and plots to --out")
    .argument("<file>", ".nn file")
    .option("--data <src>", "training data: mnist, a folder of IDX files, IMAGES,LABELS or a .csv file")
    .option("--test-data <src>", "test data (when --data does not hold it)")
    .option("--label-column <col>", "CSV label column, by index or header name (default: the first)")
    .option("--optimizer <name|path>", "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, or a module file")
    .option("--lr <x>", "learning rate")
    .option("--batch-size <n>", "rows per mini-batch")
    .option("--epochs <n>", "passes over the training data")
    .option("--iters <n>", "optimizer steps (instead of --epochs)")
    .option("--seed <n>", "seed of the initial params, batch order and dropout")
    .option("--weight-decay <x>", "λ of the ½λ‖W‖² penalty on weights")
    .option("--val-split <f>", "hold out this fraction of the training data for validation")
    .option("--train-subset <n>", "train on the first n rows only")
    .option("--lr-schedule <spec>", "step(every = E, gamma = G), exponential(gamma = G), cosine(min_lr = X) or constant")
    .option("--warmup <steps>", "raise the learning rate linearly from 0 over the first steps")
    .option("--patience <epochs>", "early stopping: stop when the validation accuracy has not improved for this many epochs")
    .option("--clip-norm <x>", "scale the gradients down to this global L2 norm when larger")
    .option("--sampling <mode>", "shuffle (each row once per epoch, the default) or with_replacement (the book's np.random.choice)")
    .option("--dtype <t>", "f32 (default) or f64")
    .addOption(
      new Option("--backend <backend>", "where matmuls run: WebAssembly SIMD (default for f32) or JS (always for f64)").choices([
        "js",
        "wasm",
      ]),
    )
    .addOption(
      new Option(
        "--engine <engine>",
        "nnc (its own kernels, the default) or jax (the step in JAX, data-parallel over every device)",
      ).choices(["nnc", "jax"]),
    )
    .addOption(setOption())
    .option("--out <dir>", "where the run's files go (default runs/<model>-<time>)")
    .option("--resume", "continue the run in --out from its checkpoint (with a larger --epochs or --iters: extend a finished run)")
    .option("--init-from <params>", "start from trained params (a params.safetensors) instead of the initializers: fine-tuning")
    .option("--model <name>", "which model, when the file has several")
    .option(
      "--no-eval",
      "skip the accuracy on all of the data after each epoch (the book's protocol; it costs about a third of a TwoLayerNet run)",
    )
    .option("--json", "JSON lines: one per epoch, then the result")
    .action(async (file: string, opts) => {
      enableFma(); // before any model is compiled
      result.code = await (await import("./commands/train.js")).trainCommand(file, opts, io);
    });

  program
    .command("eval")
    .description("accuracy, loss and confusion matrix of trained params")
    .argument("[file]", ".nn file (not with --run)")
    .option("--run <dir>", "a run folder of nnc train: its model, --set values and params, as trained")
    .option("--params <path>", "params.safetensors of a trained run (with --run: e.g. DIR/best.safetensors)")
    .option("--data <src>", "data: mnist (its test set), a folder of IDX files, IMAGES,LABELS or a .csv file")
    .addOption(setOption())
    .option("--model <name>", "which model, when the file has several")
    .option("--json", "print one JSON object")
    .action(async (file: string | undefined, opts) => {
      enableFma(); // before any model is compiled
      result.code = await (await import("./commands/eval.js")).evalCommand(file, opts, io);
    });

  program
    .command("experiment")
    .description("reproduce one of the book's experiments (or all): figures as SVG and numbers in results.json")
    .argument("[name]", "the experiment (see --list), or all")
    .option("--list", "list the experiments")
    .option("--out <dir>", "where the experiments' folders go (default runs/experiments)")
    .option("--seed <n>", "seed of the initial params, data order and sampling", "0")
    .option("--quick", "a small, fast version (fewer steps and samples)")
    .addOption(
      new Option("--backend <backend>", "where the models run (default: wasm for f32, js for f64)").choices(["js", "wasm", "interpreter"]),
    )
    .option("--json", "one JSON line per experiment")
    .action(async (name: string | undefined, opts) => {
      enableFma(); // before any model is compiled
      result.code = await (await import("./commands/experiment.js")).experimentCommand(name, opts, io);
    });

  program
    .command("lsp")
    .description("run the language server on stdin/stdout (for editors: diagnostics, hover, completion, ...)")
    .option("--stdio", "talk over stdin/stdout (the default and only transport; accepted for clients that pass it)")
    .action(async () => {
      result.code = await (await import("./commands/lsp.js")).lspCommand();
    });

  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  return program;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  // `nnc summary ... | head`: the reader closed the pipe, so nothing more is wanted; stop quietly.
  if (io === processIo) process.stdout.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" ? process.exit(0) : undefined));
  const result = { code: 0 };
  const program = buildProgram(io, result);
  if (argv.length === 0) {
    io.err(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return 2;
    }
    const mistake = userError(e);
    if (mistake) {
      io.err(`nnc: error: ${mistake.message}\n`);
      return mistake.code;
    }
    if (process.env.NNC_DEBUG === "1") throw e;
    io.err(`nnc: internal error: ${(e as Error).message ?? String(e)}\n(this is a bug in nnc; run with NNC_DEBUG=1 for the stack trace)\n`);
    return 3;
  }
}
