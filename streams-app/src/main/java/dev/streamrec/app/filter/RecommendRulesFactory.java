package dev.streamrec.app.filter;

import dev.streamrec.app.config.StreamrecProperties;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Reads {@link RecommendRules} from {@code streamrec.recommend.*} (defaults in {@code application.yml}). */
@Factory
class RecommendRulesFactory {

    @Singleton
    RecommendRules recommendRules(StreamrecProperties.Recommend recommend) {
        return new RecommendRules(ExclusionPolicy.parse(recommend.exclude()), recommend.overfetch(),
                recommend.maxPerCategory());
    }
}
