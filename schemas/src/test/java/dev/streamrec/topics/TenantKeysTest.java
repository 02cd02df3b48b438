package dev.streamrec.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantKeysTest {

    @Test
    void shouldKeepTheDefaultTenantsPlainKeys() {
        assertThat(TenantKeys.scope("default", "u-1")).isEqualTo("u-1");
        assertThat(TenantKeys.scope(null, "u-1")).as("absent tenant = default").isEqualTo("u-1");
        assertThat(TenantKeys.tenantOf("u-1")).isEqualTo("default");
        assertThat(TenantKeys.idOf("u-1")).isEqualTo("u-1");
    }

    @Test
    void shouldScopeAndUnscopeAnotherTenantsKeys() {
        String key = TenantKeys.scope("shop-b", "u-1");
        assertThat(key).isEqualTo("shop-b|u-1").isNotEqualTo(TenantKeys.scope("shop-a", "u-1"));
        assertThat(TenantKeys.tenantOf(key)).isEqualTo("shop-b");
        assertThat(TenantKeys.idOf(key)).isEqualTo("u-1");
    }

    @Test
    void shouldRefuseSeparatorsInIdsAndOddTenantIds() {
        assertThat(TenantKeys.scopable("a|b")).isFalse();
        assertThat(TenantKeys.scopable("a-b")).isTrue();
        assertThat(TenantKeys.tenantProblem("shop_b.eu-1")).isNull();
        assertThat(TenantKeys.tenantProblem("shop|b")).contains("must match");
        assertThat(TenantKeys.tenantProblem("")).as("blank = default").isNull();
    }
}
