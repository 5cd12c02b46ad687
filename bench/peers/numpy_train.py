"""The book's training loop (ch04/train_neuralnet.py) around its TwoLayerNet, in numpy, for the
end-to-end times of `npm run bench`: `iters` mini-batches of 100 drawn with np.random.choice,
the backprop gradient, SGD lr 0.1, and (with `evaluate`) the accuracy on all of the training and
test images once per epoch of 600 iterations, as the book does. The network's `gradient` returns
its forward pass's loss, as in the step benchmark (the book runs a second forward pass for it).

    python3 numpy_train.py DIR f32|f64 ITERS evaluate|no-evaluate

DIR holds MNIST as the bench writes it: train_x.f32 (60000 x 784, scaled to [0, 1]), train_y.u8,
test_x.f32, test_y.u8. Prints one JSON line: seconds (the loop, not start-up or loading),
trainAccuracy, testAccuracy.
"""
import json
import sys
import time

import numpy as np

from numpy_two_layer import TwoLayerNet


def main():
    folder, dtype_name, iters, evaluate = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "evaluate"
    dtype = np.float32 if dtype_name == "f32" else np.float64
    x_train = np.fromfile(f"{folder}/train_x.f32", dtype=np.float32).astype(dtype).reshape(-1, 784)
    x_test = np.fromfile(f"{folder}/test_x.f32", dtype=np.float32).astype(dtype).reshape(-1, 784)
    y_train = np.fromfile(f"{folder}/train_y.u8", dtype=np.uint8)
    y_test = np.fromfile(f"{folder}/test_y.u8", dtype=np.uint8)
    t_train = np.eye(10, dtype=dtype)[y_train]

    np.random.seed(0)
    weight_init_std = 0.01
    params = {
        "W1": (weight_init_std * np.random.randn(784, 50)).astype(dtype),
        "b1": np.zeros(50, dtype=dtype),
        "W2": (weight_init_std * np.random.randn(50, 10)).astype(dtype),
        "b2": np.zeros(10, dtype=dtype),
    }
    network = TwoLayerNet(params)
    train_size, batch_size, learning_rate = x_train.shape[0], 100, 0.1
    iter_per_epoch = max(train_size / batch_size, 1)

    def accuracy(x, y):
        return float(np.sum(np.argmax(network.predict(x), axis=1) == y) / x.shape[0])

    train_acc = test_acc = None
    start = time.perf_counter()
    for i in range(iters):
        batch_mask = np.random.choice(train_size, batch_size)
        _, grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        if evaluate and i % iter_per_epoch == 0:
            train_acc, test_acc = accuracy(x_train, y_train), accuracy(x_test, y_test)
    seconds = time.perf_counter() - start
    if not evaluate:
        train_acc, test_acc = accuracy(x_train, y_train), accuracy(x_test, y_test)
    print(json.dumps({"seconds": seconds, "trainAccuracy": train_acc, "testAccuracy": test_acc}))


if __name__ == "__main__":
    main()
