# Writes the ONNX backend conformance node tests for the ops `nnc import` handles into
# test/fixtures/onnx-node/ (model.onnx and test_data_set_*/{input,output}_*.pb, as onnx's own
# `backend-test-tools generate-data` writes them). The data come from the onnx package
# (Apache-2.0; its LICENSE is copied beside them). Run from the repo root:
#   python3 -m venv /tmp/onnx-venv && /tmp/onnx-venv/bin/pip install onnx
#   /tmp/onnx-venv/bin/python scripts/onnx-node-fixtures.py
import os
import shutil
import sys

import onnx
from onnx import numpy_helper
from onnx.backend.test.case.node import collect_testcases

# The ops of src/onnx/import/ops.ts (IMPORTS); more can be named on the command line.
OPS = sys.argv[1:] or [
    "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Relu", "Sigmoid", "Tanh", "Exp", "Log",
    "Sqrt", "Neg", "Erf", "Softplus", "LeakyRelu", "Elu", "Softmax", "LogSoftmax", "Flatten",
    "Reshape", "Transpose", "Dropout", "Identity", "Constant", "BatchNormalization", "Conv",
    "MaxPool", "AveragePool", "GlobalAveragePool",
]
OUT = os.path.join("test", "fixtures", "onnx-node")


def write_tensor(path, value, name):
    proto = value if isinstance(value, onnx.TensorProto) else numpy_helper.from_array(value, name)
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    count = 0
    # Every node test whose graph uses only these ops (expanded function tests use others).
    for case in collect_testcases():
        graph = case.model.graph
        if not all(node.op_type in OPS for node in graph.node):
            continue
        if not all(v.type.HasField("tensor_type") for v in [*graph.input, *graph.output]):
            continue  # sequences, maps: not tensors
        if True:
            folder = os.path.join(OUT, case.name)
            os.makedirs(folder)
            with open(os.path.join(folder, "model.onnx"), "wb") as f:
                f.write(case.model.SerializeToString())
            for i, (inputs, outputs) in enumerate(case.data_sets):
                data = os.path.join(folder, f"test_data_set_{i}")
                os.makedirs(data)
                for j, value in enumerate(inputs):
                    write_tensor(os.path.join(data, f"input_{j}.pb"), value, graph.input[j].name)
                for j, value in enumerate(outputs):
                    write_tensor(os.path.join(data, f"output_{j}.pb"), value, graph.output[j].name)
            count += 1
    licence = os.path.join(os.path.dirname(onnx.__file__), "..", f"onnx-{onnx.__version__}.dist-info", "licenses", "LICENSE")
    shutil.copy(licence, os.path.join(OUT, "LICENSE"))
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(
            f"ONNX backend node tests for the ops nnc imports, from the onnx Python package {onnx.__version__}\n"
            "(Apache-2.0, LICENSE beside this file), written by scripts/onnx-node-fixtures.py.\n"
        )
    print(f"{count} test cases in {OUT}")


main()
