/**
 * The self-attention (SASRec-style) sequence model: its weights and plain-Java reference forward pass
 * ({@link dev.streamrec.trainer.seq.SasRecModel}), and its training with DJL's PyTorch engine on the CPU
 * ({@link dev.streamrec.trainer.seq.SasRecTrainer}): every position of every window predicts the next item,
 * full (or sampled) softmax cross-entropy, early stopping on full-ranking NDCG@10, refit on all data.
 * The ONNX graph is written by {@code export.SasRecExporter}.
 */
package dev.streamrec.trainer.seq;
