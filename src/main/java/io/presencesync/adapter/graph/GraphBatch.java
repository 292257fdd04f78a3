package io.presencesync.adapter.graph;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.models.BatchRequestStep;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ApiExceptionBuilder;
import com.microsoft.kiota.RequestAdapter;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.ResponseHeaders;
import com.microsoft.kiota.serialization.JsonParseNode;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One {@code POST /$batch} of up to {@link #MAX_ITEMS} requests under ids of our own, each answer
 * read on its own: an item that failed or came back garbled is that item's error, never the batch's.
 * A failure of the batch request itself (401, 429, 5xx, network) is thrown like any direct call's.
 */
final class GraphBatch {

    /** Graph's limit of requests in one {@code $batch}. */
    static final int MAX_ITEMS = 20;

    /**
     * Non-2xx answers to the batch request itself become ODataError with status and headers (Kiota's
     * error mapping names "every status" with the key X-X-X written together).
     */
    private static final HashMap<String, ParsableFactory<? extends Parsable>> ERRORS =
            new HashMap<>(Map.of("XXX", ODataError::createFromDiscriminatorValue));

    /** What one item came back with: its value, or its failure (an ApiException carries the item's status and headers). */
    record Answer<R>(R value, RuntimeException failure) {
        static <R> Answer<R> ok(R value) { return new Answer<>(value, null); }

        static <R> Answer<R> failed(RuntimeException failure) { return new Answer<>(null, failure); }

        boolean isOk() { return failure == null; }
    }

    private GraphBatch() {}

    /**
     * Sends {@code requests} (id → request) as one batch. The SDK's own batch post would hand back a
     * refused batch (429, 503) as an empty answer instead of an error, so the request is sent here.
     * Each successful item's body is read by {@code reader}; a reader that throws makes that item unreadable.
     */
    static <R> Map<String, Answer<R>> send(GraphServiceClient graph, Map<String, RequestInformation> requests,
                                           Function<JsonObject, R> reader) {
        if (requests.size() > MAX_ITEMS) throw new IllegalArgumentException(requests.size() + " requests in one $batch; at most " + MAX_ITEMS);
        RequestAdapter adapter = graph.getRequestAdapter();
        BatchRequestContent content = new BatchRequestContent(adapter, List.of());
        for (Map.Entry<String, RequestInformation> r : requests.entrySet()) {
            if (!content.addBatchRequestStep(new BatchRequestStep(r.getKey(), adapter.<okhttp3.Request>convertToNativeRequest(r.getValue())))) {
                throw new IllegalStateException("$batch refused request " + r.getKey()); // the SDK says no silently
            }
        }
        try {
            RequestInformation post = graph.getBatchRequestBuilder().toPostRequestInformation(content);
            try (InputStream body = adapter.sendPrimitive(post, ERRORS, InputStream.class)) {
                return answers(body, requests.keySet(), reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("$batch request failed", e);
        }
    }

    private static <R> Map<String, Answer<R>> answers(InputStream body, Iterable<String> ids, Function<JsonObject, R> reader) {
        Map<String, Answer<R>> answers = new LinkedHashMap<>();
        for (String id : ids) answers.put(id, null);
        JsonElement root = body == null ? null : JsonParser.parseReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        JsonElement responses = root != null && root.isJsonObject() ? root.getAsJsonObject().get("responses") : null;
        if (responses == null || !responses.isJsonArray()) throw new IllegalStateException("the $batch answer holds no responses");
        for (JsonElement element : responses.getAsJsonArray()) {
            String id = id(element);
            if (id == null || !answers.containsKey(id)) continue; // nothing of ours: no item to blame
            answers.put(id, answer(id, element.getAsJsonObject(), reader));
        }
        answers.replaceAll((id, a) -> a != null ? a
                : Answer.failed(new IllegalStateException("the $batch answer holds no response for item " + id)));
        return answers;
    }

    private static String id(JsonElement element) {
        if (!element.isJsonObject()) return null;
        JsonElement id = element.getAsJsonObject().get("id");
        return id != null && id.isJsonPrimitive() ? id.getAsString() : null;
    }

    /** Never quotes the item's content: a garbled calendar answer may hold subjects. */
    private static <R> Answer<R> answer(String id, JsonObject item, Function<JsonObject, R> reader) {
        try {
            int status = item.get("status").getAsInt();
            JsonElement body = item.get("body");
            if (status / 100 != 2) return Answer.failed(error(status, headers(item.get("headers")), body));
            if (body == null || !body.isJsonObject()) throw new IllegalStateException("no JSON object");
            R value = reader.apply(body.getAsJsonObject());
            if (value == null) throw new IllegalStateException("empty");
            return Answer.ok(value);
        } catch (RuntimeException e) {
            return Answer.failed(new IllegalStateException("unreadable answer to $batch item " + id + " (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private static ResponseHeaders headers(JsonElement headers) {
        ResponseHeaders result = new ResponseHeaders();
        if (headers != null && headers.isJsonObject()) {
            for (Map.Entry<String, JsonElement> h : headers.getAsJsonObject().entrySet()) {
                if (h.getValue().isJsonPrimitive()) result.add(h.getKey(), h.getValue().getAsString());
            }
        }
        return result;
    }

    /** The item's failure as Graph would have thrown it for a direct call: its ODataError when the body holds one. */
    private static ApiException error(int status, ResponseHeaders headers, JsonElement body) {
        ODataError parsed = null;
        if (body != null && body.isJsonObject() && body.getAsJsonObject().has("error")) {
            try {
                parsed = new JsonParseNode(body).getObjectValue(ODataError::createFromDiscriminatorValue);
            } catch (RuntimeException unreadable) {
                parsed = null;
            }
        }
        ODataError odata = parsed;
        ApiExceptionBuilder builder = odata != null ? new ApiExceptionBuilder(() -> odata)
                : new ApiExceptionBuilder().withMessage("HTTP " + status + " for a $batch item");
        return builder.withResponseStatusCode(status).withResponseHeaders(headers).build();
    }
}
