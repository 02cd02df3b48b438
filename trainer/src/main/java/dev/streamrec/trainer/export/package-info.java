/**
 * From trained weights to a served artifact: the ONNX graph built in Java (vocabulary inside as
 * {@code ai.onnx.ml} LabelEncoders, candidate and full-catalog modes, top-k in the graph), reading
 * weights back out of an artifact for warm starts, and the artifact directory layout
 * ({@code <root>/<model>/<version>/model.onnx + manifest.json}) with staging and rejection.
 */
package dev.streamrec.trainer.export;
