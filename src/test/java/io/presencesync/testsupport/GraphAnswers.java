package io.presencesync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.presencesync.testsupport.GraphFixture.ItemReply;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.presencesync.testsupport.GraphFixture.json;

/**
 * Answers getPresencesByUserId and {@code $batch} (getSchedule items) from what each request asks
 * for, the way Graph does: a batch item with a bad body gets its own 400, an unknown address its own
 * schedule error, and replies set for an anchor mailbox come back for that mailbox's items only.
 */
final class GraphAnswers implements ResponseDefinitionTransformerV2 {

    static final String NAME = "graph-answers";

    final Map<String, String> schedules = new ConcurrentHashMap<>();
    final Map<String, String> presences = new ConcurrentHashMap<>();
    /** Per anchor mailbox id: the replies still to give, the last one for good. */
    final Map<String, Deque<ItemReply>> viaAnchor = new ConcurrentHashMap<>();
    volatile ItemReply everyAnchor;

    void clear() {
        schedules.clear();
        presences.clear();
        viaAnchor.clear();
        everyAnchor = null;
    }

    void answerVia(String anchor, List<ItemReply> replies) {
        viaAnchor.put(anchor.toLowerCase(Locale.ROOT), new ArrayDeque<>(replies));
    }

    @Override
    public String getName() { return NAME; }

    @Override
    public boolean applyGlobally() { return false; }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        JsonNode body = json(event.getRequest().getBodyAsString());
        String answer;
        if (event.getRequest().getUrl().contains("$batch")) {
            List<String> responses = new ArrayList<>();
            for (JsonNode item : body.get("requests")) responses.add(item(item));
            answer = "{\"responses\":[" + String.join(",", responses) + "]}";
        } else {
            answer = presences(body);
        }
        return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but()
                .withStatus(200)
                .withHeader("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8")
                .withBody(answer)
                .build();
    }

    private String item(JsonNode item) {
        String id = item.get("id").asText();
        String url = item.get("url").asText();
        ItemReply reply;
        if (url.matches("/users/[^/]+/calendar/getSchedule")) {
            String anchor = url.split("/")[2].toLowerCase(Locale.ROOT);
            reply = replyVia(anchor);
            if (reply == null || reply.body() == null) reply = schedule(item);
        } else if (url.equals("/communications/getPresencesByUserId")) {
            reply = new ItemReply(200, Map.of(), presences(item.get("body")));
        } else {
            reply = new ItemReply(404, Map.of(), GraphFixture.odataError("UnknownError", "No such endpoint in the stub: " + url));
        }
        ObjectNode headers = GraphFixture.JSON.createObjectNode().put("Content-Type", "application/json");
        reply.headers().forEach(headers::put);
        return "{\"id\":\"" + id + "\",\"status\":" + reply.status() + ",\"headers\":" + headers + ",\"body\":" + reply.body() + "}";
    }

    private ItemReply replyVia(String anchor) {
        Deque<ItemReply> replies = viaAnchor.get(anchor);
        if (replies != null) {
            synchronized (replies) {
                return replies.size() > 1 ? replies.poll() : replies.peek();
            }
        }
        return everyAnchor;
    }

    /** Like Graph: the window must be whole (a reused SDK model would send {@code "StartTime":{}}) and in UTC as asked. */
    private ItemReply schedule(JsonNode item) {
        JsonNode body = item.get("body");
        boolean utcPreferred = "outlook.timezone=\"UTC\"".equals(GraphFixture.header(item.get("headers"), "Prefer"));
        boolean whole = body != null && body.path("Schedules").isArray()
                && body.at("/StartTime/dateTime").isTextual() && "UTC".equals(body.at("/StartTime/timeZone").asText())
                && body.at("/EndTime/dateTime").isTextual() && "UTC".equals(body.at("/EndTime/timeZone").asText());
        if (!whole || !utcPreferred) {
            return new ItemReply(400, Map.of(), GraphFixture.odataError("ErrorInvalidParameter", "The request is not valid."));
        }
        List<String> value = new ArrayList<>();
        for (JsonNode s : body.get("Schedules")) {
            value.add(schedules.getOrDefault(s.asText().toLowerCase(Locale.ROOT), GraphFixture.schedule(s.asText())));
        }
        return new ItemReply(200, Map.of(), "{\"value\":[" + String.join(",", value) + "]}");
    }

    private String presences(JsonNode body) {
        ArrayNode ids = (ArrayNode) body.get("ids");
        List<String> value = new ArrayList<>();
        for (JsonNode id : ids) {
            String p = presences.getOrDefault(id.asText().toLowerCase(Locale.ROOT), GraphFixture.presence(id.asText(), "Available", "Available"));
            if (!GraphFixture.OMIT.equals(p)) value.add(p);
        }
        return "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#Collection\",\"value\":[" + String.join(",", value) + "]}";
    }
}
