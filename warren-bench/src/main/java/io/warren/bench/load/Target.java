package io.warren.bench.load;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server under test, as the generator sees it: how a subscriber opens and resumes, and where the
 * publisher posts. The same client code drives both, so the figures compare like with like.
 */
public enum Target {
    /** Warren: {@code GET /tunnel?format=F&new=1&subscribe=P}, {@code POST /publish} with a JSON array. */
    WARREN,
    /** nchan: {@code GET /sub/CH1,CH2} as EventSource, {@code POST /pub/CH} with the data as body. */
    NCHAN;

    public static Target parse(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The request URI that opens subscriber {@code i}'s stream, or resumes it when {@code tunnel} is set. */
    String subscribeUri(Layout layout, int i, String format, String tunnel, String lastId) {
        if (this == NCHAN) {
            return "/sub/" + String.join(",", layout.nchanChannels(i));
        }
        StringBuilder sb = new StringBuilder("/tunnel?format=").append(format);
        if (tunnel == null) {
            sb.append("&new=1");
            for (String p : layout.warrenSubscriptions(i)) {
                sb.append("&subscribe=").append(enc(p));
            }
        } else {
            sb.append("&tunnel=").append(enc(tunnel));
            if (lastId != null) {
                sb.append("&last=").append(enc(lastId));
            }
        }
        return sb.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The JSON data of one benchmark datagram; subscribers find it with a byte scan. */
    static String data(int key, long seq, long micros) {
        return "{\"k\":" + key + ",\"s\":" + seq + ",\"t\":" + micros + "}";
    }

    /** Warren: one backend datagram for {@code path}. */
    static void warrenDatagram(StringBuilder sb, String path, int key, long seq, long micros) {
        sb.append("{\"path\":\"")
                .append(path)
                .append("\",\"data\":")
                .append(data(key, seq, micros))
                .append('}');
    }

    static String warrenBatch(List<String> datagrams) {
        return "[" + String.join(",", datagrams) + "]";
    }
}
