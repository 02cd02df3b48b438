/**
 * Runs of the whole trainer: {@link dev.streamrec.trainer.service.TrainingPipeline} (one run:
 * split, train, export, evaluate new and current through ONNX Runtime, gate, publish) and
 * {@link dev.streamrec.trainer.service.TrainerService} (the long-running service, also embeddable
 * in the streams app's {@code dev} mode, that repeats runs on a schedule or after enough new events).
 */
package dev.streamrec.trainer.service;
