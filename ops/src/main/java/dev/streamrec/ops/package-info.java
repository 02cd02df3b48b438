/** On-call tools: replaying topic ranges and resetting the streams application to a point in time. */
package dev.streamrec.ops;
