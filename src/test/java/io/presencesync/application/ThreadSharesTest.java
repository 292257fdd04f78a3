package io.presencesync.application;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the sync threads of a node are shared among its tenants' runs that wait for Graph. */
class ThreadSharesTest {

    @Test
    void aLoneTenantMayUseEveryThreadButTheOneKeptForTransitions() {
        ThreadShares shares = new ThreadShares(8, List.of("contoso"));

        for (int i = 0; i < 7; i++) assertThat(shares.tryTake("contoso")).as("run %d", i).isTrue();
        assertThat(shares.tryTake("contoso")).as("the eighth thread waits for transitions").isFalse();
        assertThat(new ThreadShares(1, List.of("contoso")).tryTake("contoso")).as("a single thread does everything").isTrue();
    }

    @Test
    void aTenantWhoseRunsHangNeverTakesTheThreadsTheOthersAreSureOf() {
        ThreadShares shares = new ThreadShares(9, List.of("hanging", "token-down", "slow", "healthy"));
        assertThat(shares.share()).isEqualTo(2);

        int hanging = 0;
        while (shares.tryTake("hanging")) hanging++;
        assertThat(hanging).as("its share and nothing the three others are sure of").isEqualTo(2);
        assertThat(shares.tryTake("token-down")).isTrue();
        assertThat(shares.tryTake("token-down")).isTrue();
        assertThat(shares.tryTake("token-down")).isFalse();
        assertThat(shares.tryTake("slow")).isTrue();
        assertThat(shares.tryTake("slow")).isTrue();
        assertThat(shares.tryTake("healthy")).isTrue();
        assertThat(shares.tryTake("healthy")).isTrue();
    }

    @Test
    void aBusyTenantBorrowsIdleThreadsButLeavesEveryOtherTenantsShareFree() {
        ThreadShares shares = new ThreadShares(9, List.of("big", "small"));

        for (int i = 0; i < 4; i++) assertThat(shares.tryTake("big")).isTrue();
        assertThat(shares.tryTake("big")).as("the small tenant's 4 stay free while it runs nothing").isFalse();
        assertThat(shares.tryTake("small")).isTrue();
        assertThat(shares.tryTake("big")).as("still the small tenant's 3 unused").isFalse();

        ThreadShares three = new ThreadShares(11, List.of("a", "b", "c")); // share 3, one thread over
        for (int i = 0; i < 4; i++) assertThat(three.tryTake("a")).as("run %d of a", i).isTrue();
        assertThat(three.tryTake("a")).isFalse();
        three.giveBack("a");
        assertThat(three.tryTake("a")).as("a thread given back is free again").isTrue();
    }

    @Test
    void moreTenantsThanThreadsEachStillRunOneAtATime() {
        ThreadShares shares = new ThreadShares(3, List.of("a", "b", "c"));

        assertThat(shares.share()).isEqualTo(1);
        assertThat(shares.tryTake("a")).isTrue();
        assertThat(shares.tryTake("a")).isFalse();
        assertThat(shares.tryTake("b")).isTrue();
        assertThatThrownBy(() -> shares.giveBack("c")).hasMessageContaining("tenant c holds no sync thread");
    }
}
