/** The model artifact contract shared by the trainer and the streams app: tensor names, encodings, manifest. */
package dev.streamrec.model;
