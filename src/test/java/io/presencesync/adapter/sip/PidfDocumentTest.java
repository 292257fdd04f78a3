package io.presencesync.adapter.sip;

import io.presencesync.application.federation.EventText;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PidfDocumentTest {

    static final String PIDF = "urn:ietf:params:xml:ns:pidf";
    static final String DM = "urn:ietf:params:xml:ns:pidf:data-model";
    static final String RPID = "urn:ietf:params:xml:ns:pidf:rpid";
    static final Instant NOW = Instant.parse("2026-12-07T10:15:00Z");
    static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    static final Instant END = Instant.parse("2026-12-07T11:00:00Z");

    final PidfDocument english = new PidfDocument(new EventText(EventText.Language.EN, ZoneId.of("Europe/Berlin")), EventText.Language.EN);

    @Test
    void aMeetingIsBusyThenMeetingWithItsEndAndANote() throws Exception {
        Document doc = parse(english.xml("sip:anna@uc.example.com", "contoso", "id-anna", new EventPresence(Reason.CALENDAR_BUSY, START, END), NOW));
        Element presence = doc.getDocumentElement();
        assertThat(presence.getNamespaceURI()).isEqualTo(PIDF);
        assertThat(presence.getAttribute("entity")).isEqualTo("sip:anna@uc.example.com");
        Element activities = only(doc, RPID, "activities");
        assertThat(children(activities)).containsExactly("busy", "meeting");
        assertThat(activities.getAttribute("until")).isEqualTo("2026-12-07T11:00:00Z");
        assertThat(activities.getAttribute("from")).isEqualTo("2026-12-07T10:00:00Z");
        assertThat(only(doc, PIDF, "basic").getTextContent()).isEqualTo("open");
        assertThat(only(doc, PIDF, "note").getTextContent()).isEqualTo("In a meeting until 12:00");
        assertThat(only(doc, DM, "note").getTextContent()).isEqualTo("In a meeting until 12:00");
        assertThat(only(doc, DM, "note").getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang")).isEqualTo("en");
    }

    @Test
    void aCallIsBusyThenOnThePhoneWithoutAnEnd() throws Exception {
        Document doc = parse(english.xml("sip:anna@uc.example.com", "contoso", "id-anna", new EventPresence(Reason.CALL, START, null), NOW));
        Element activities = only(doc, RPID, "activities");
        assertThat(children(activities)).containsExactly("busy", "on-the-phone");
        assertThat(activities.hasAttribute("until")).isFalse();
        assertThat(only(doc, DM, "note").getTextContent()).isEqualTo("In a call");
    }

    @Test
    void outOfOfficeIsAwayWithItsEndInGermanOnRequest() throws Exception {
        PidfDocument german = new PidfDocument(new EventText(EventText.Language.DE, ZoneId.of("Europe/Berlin")), EventText.Language.DE);
        Document doc = parse(german.xml("sip:anna@uc.example.com", "contoso", "id-anna",
                new EventPresence(Reason.CALENDAR_OOF, START, Instant.parse("2026-12-07T16:00:00Z")), NOW));
        assertThat(children(only(doc, RPID, "activities"))).containsExactly("away");
        assertThat(only(doc, PIDF, "note").getTextContent()).isEqualTo("Abwesend bis 17:00");
        assertThat(only(doc, PIDF, "note").getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang")).isEqualTo("de");
    }

    @Test
    void theIdsArePresenceSyncsOwnStablePerUserAndDifferentBetweenUsers() throws Exception {
        Document anna = parse(english.xml("sip:anna@x", "contoso", "id-anna", new EventPresence(Reason.CALL, START, null), NOW));
        Document again = parse(english.xml("sip:anna@x", "contoso", "id-anna", new EventPresence(Reason.CALENDAR_OOF, START, END), NOW));
        Document ben = parse(english.xml("sip:ben@x", "contoso", "id-ben", new EventPresence(Reason.CALL, START, null), NOW));
        String id = only(anna, PIDF, "tuple").getAttribute("id");
        assertThat(id).matches("ps-[0-9a-f]{16}");
        assertThat(only(anna, DM, "person").getAttribute("id")).isEqualTo(id + "-p");
        assertThat(only(again, PIDF, "tuple").getAttribute("id")).isEqualTo(id);
        assertThat(only(ben, PIDF, "tuple").getAttribute("id")).isNotEqualTo(id);
    }

    @Test
    void anEntityIsEscaped() throws Exception {
        Document doc = parse(english.xml("sip:o'neil&co@x", "contoso", "id", new EventPresence(Reason.CALL, START, null), NOW));
        assertThat(doc.getDocumentElement().getAttribute("entity")).isEqualTo("sip:o'neil&co@x");
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static Element only(Document doc, String ns, String name) {
        NodeList list = doc.getElementsByTagNameNS(ns, name);
        assertThat(list.getLength()).as("<%s> elements in %s", name, ns).isEqualTo(1);
        return (Element) list.item(0);
    }

    static List<String> children(Element e) {
        List<String> names = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) names.add(c.getLocalName());
        }
        return names;
    }
}
