/**
 * Business rules on recommendation lists: which of the user's own items are never recommended
 * ({@link dev.streamrec.app.filter.ExclusionPolicy}), how many items per category a list may hold, how far
 * the stored list is over-fetched ({@link dev.streamrec.app.filter.RecommendRules}), and the request-time
 * filters of {@code GET /recommendations/{userId}} ({@link dev.streamrec.app.filter.ServedFilter}).
 */
package dev.streamrec.app.filter;
