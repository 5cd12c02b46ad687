"""The book's layer-based MultiLayerNet (common/multi_layer_net.py) with its layers
(common/layers.py) and optimizers (common/optimizer.py), as the book writes them. Changes, shared
with the other peers: `gradient` also returns the loss of its own forward pass; params are given
rather than drawn; weight decay, which the bench does not use (the book's lambda 0), is left out
rather than computed as 0 * W; the first Affine layer does not compute the gradient of the input,
which nothing uses (TwoLayerNet.gradient does not either). Adam's step size lr_t is a Python float
so that float32 params are not promoted to float64 by a numpy float64 scalar.
"""
import math
from collections import OrderedDict

import numpy as np

from numpy_two_layer import cross_entropy_error, softmax


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0

        return out

    def backward(self, dout):
        dout[self.mask] = 0
        dx = dout

        return dx


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out

        return dx


class Affine:
    def __init__(self, W, b, need_dx=True):
        self.W = W
        self.b = b
        self.need_dx = need_dx
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x

        out = np.dot(self.x, self.W) + self.b

        return out

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        if not self.need_dx:
            return None
        dx = np.dot(dout, self.W.T)
        dx = dx.reshape(*self.original_x_shape)
        return dx


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)

        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:  # one-hot targets
            dx = (self.y - self.t) / batch_size
        else:
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
            dx = dx / batch_size

        return dx


class LayeredNet:
    """The book's layered network: `layers` in order, then SoftmaxWithLoss; `param_layers` names
    the layer that holds each W<i>, b<i> (keyed by i)."""

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)

        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.last_layer.forward(y, t)

    def gradient(self, x, t):
        # forward
        loss = self.loss(x, t)

        # backward
        dout = 1
        dout = self.last_layer.backward(dout)

        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)

        grads = {}
        for i, name in self.param_layers.items():
            grads['W' + i], grads['b' + i] = self.layers[name].dW, self.layers[name].db

        return loss, grads


class MultiLayerNet(LayeredNet):
    def __init__(self, params, hidden_layer_num, activation='relu'):
        self.params = params
        self.hidden_layer_num = hidden_layer_num
        activation_layer = {'sigmoid': Sigmoid, 'relu': Relu}
        self.layers = OrderedDict()
        for idx in range(1, hidden_layer_num + 1):
            self.layers['Affine' + str(idx)] = Affine(params['W' + str(idx)], params['b' + str(idx)], need_dx=idx > 1)
            self.layers['Activation_function' + str(idx)] = activation_layer[activation]()

        idx = hidden_layer_num + 1
        self.layers['Affine' + str(idx)] = Affine(params['W' + str(idx)], params['b' + str(idx)], need_dx=idx > 1)

        self.last_layer = SoftmaxWithLoss()
        self.param_layers = {str(idx): 'Affine' + str(idx) for idx in range(1, hidden_layer_num + 2)}


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)

        self.iter += 1
        lr_t = self.lr * math.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)

        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + self.eps)
