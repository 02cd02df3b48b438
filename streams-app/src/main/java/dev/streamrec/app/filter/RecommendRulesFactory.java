package dev.streamrec.app.filter;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** Reads {@link RecommendRules} from {@code streamrec.recommend.*} (defaults in {@code application.yml}). */
@Factory
class RecommendRulesFactory {

    @Singleton
    RecommendRules recommendRules(@Value("${streamrec.recommend.exclude:purchases}") String exclude,
                                  @Value("${streamrec.recommend.overfetch:1}") int overfetch,
                                  @Value("${streamrec.recommend.max-per-category:0}") int maxPerCategory) {
        return new RecommendRules(ExclusionPolicy.parse(exclude), overfetch, maxPerCategory);
    }
}
