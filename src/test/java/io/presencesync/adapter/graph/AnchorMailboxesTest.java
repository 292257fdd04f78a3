package io.presencesync.adapter.graph;

import io.presencesync.domain.User;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AnchorMailboxesTest {

    final AnchorMailboxes anchors = new AnchorMailboxes();
    final List<User> users = GraphFixture.users(2);

    @Test
    void noMailboxCarriesMoreThanFourRequestsAtOnce() {
        List<User> one = users.subList(0, 1);
        for (int i = 0; i < AnchorMailboxes.PER_MAILBOX; i++) assertThat(anchors.take(one, List.of())).contains(GraphFixture.id(0));

        assertThat(anchors.take(one, List.of())).isEmpty();
        assertThat(anchors.take(users, List.of())).as("the next user of the request carries it").contains(GraphFixture.id(1));

        anchors.release(GraphFixture.id(0));
        assertThat(anchors.take(one, List.of())).contains(GraphFixture.id(0));
    }

    @Test
    void aMailboxThatRefusedIsTriedLastAndOneAlreadyTriedNotAgain() {
        anchors.refused(GraphFixture.id(0));

        assertThat(anchors.take(users, List.of())).contains(GraphFixture.id(1));
        assertThat(anchors.take(users, List.of(GraphFixture.id(1)))).contains(GraphFixture.id(0));
        assertThat(anchors.take(users, List.of(GraphFixture.id(0), GraphFixture.id(1)))).isEqualTo(Optional.empty());

        anchors.answered(GraphFixture.id(0));
        assertThat(anchors.take(users, List.of())).contains(GraphFixture.id(0));
    }
}
