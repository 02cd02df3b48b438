/**
 * The recommender itself, as plain arrays: the item vocabulary, the weights, and the forward and
 * backward pass of one user history. The same arithmetic is what the exported ONNX graph computes,
 * so this package is the reference the export is tested against.
 */
package dev.streamrec.trainer.model;
