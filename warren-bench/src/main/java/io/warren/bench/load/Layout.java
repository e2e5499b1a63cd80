package io.warren.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Who listens to what in a scenario. Publishing addresses <em>keys</em> {@code 0..keys()-1}; each key is
 * one Warren path and one nchan channel. Subscriber {@code i} expects every datagram of the keys
 * {@code firstKey(i) .. firstKey(i)+keyCount(i)-1}, in order, exactly once.
 *
 * <ul>
 *   <li>{@code broadcast}: one key; everybody subscribes {@code /bench/p0}.</li>
 *   <li>{@code paths}: {@code groups*perGroup} keys {@code /bench/gG/pP}; subscriber {@code i} takes
 *       group {@code i % groups} with the wildcard {@code /bench/gG/*} (nchan: the group's channels,
 *       multiplexed on one connection); with one path per group, the exact path instead.</li>
 *   <li>{@code direct}: one key per subscriber, its own {@code /client/C} path (nchan: channel {@code cI}).</li>
 * </ul>
 */
public record Layout(Kind kind, int subscribers, int groups, int perGroup) {

    public enum Kind {
        BROADCAST,
        PATHS,
        DIRECT
    }

    public static Layout broadcast(int subscribers) {
        return new Layout(Kind.BROADCAST, subscribers, 1, 1);
    }

    /** {@code paths} keys in groups of {@code perGroup}; each subscriber listens to one group. */
    public static Layout paths(int subscribers, int paths, int perGroup) {
        if (perGroup < 1 || paths % perGroup != 0) {
            throw new IllegalArgumentException("paths must be a multiple of the paths per group");
        }
        return new Layout(Kind.PATHS, subscribers, paths / perGroup, perGroup);
    }

    public static Layout direct(int subscribers) {
        return new Layout(Kind.DIRECT, subscribers, 1, 1);
    }

    public static Layout parse(String s) {
        String[] p = s.split(":");
        Kind k = Kind.valueOf(p[0]);
        return new Layout(k, Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
    }

    public String encode() {
        return kind + ":" + subscribers + ":" + groups + ":" + perGroup;
    }

    public int keys() {
        return switch (kind) {
            case BROADCAST -> 1;
            case PATHS -> groups * perGroup;
            case DIRECT -> subscribers;
        };
    }

    public int firstKey(int subscriber) {
        return switch (kind) {
            case BROADCAST -> 0;
            case PATHS -> (subscriber % groups) * perGroup;
            case DIRECT -> subscriber;
        };
    }

    public int keyCount(int subscriber) {
        return kind == Kind.PATHS ? perGroup : 1;
    }

    /** How many subscribers receive a datagram published to {@code key}. */
    public int audience(int key) {
        return switch (kind) {
            case BROADCAST -> subscribers;
            case PATHS -> {
                int g = key / perGroup;
                yield subscribers / groups + (g < subscribers % groups ? 1 : 0);
            }
            case DIRECT -> 1;
        };
    }

    /** Warren patterns subscriber {@code i} registers when opening; none for direct (its own path). */
    public List<String> warrenSubscriptions(int subscriber) {
        return switch (kind) {
            case BROADCAST -> List.of("/bench/p0");
            case PATHS ->
                List.of(perGroup == 1 ? warrenPath(firstKey(subscriber)) : "/bench/g" + (subscriber % groups) + "/*");
            case DIRECT -> List.of();
        };
    }

    /** The Warren path of {@code key}; for direct, null (the publisher uses the subscriber's client path). */
    public String warrenPath(int key) {
        return switch (kind) {
            case BROADCAST -> "/bench/p0";
            case PATHS -> "/bench/g" + key / perGroup + "/p" + key % perGroup;
            case DIRECT -> null;
        };
    }

    /** The nchan channel of {@code key}. */
    public String nchanChannel(int key) {
        return switch (kind) {
            case BROADCAST -> "p0";
            case PATHS -> "g" + key / perGroup + "p" + key % perGroup;
            case DIRECT -> "c" + key;
        };
    }

    /** The nchan channels subscriber {@code i} listens to (several are multiplexed on one connection). */
    public List<String> nchanChannels(int subscriber) {
        List<String> out = new ArrayList<>();
        int first = firstKey(subscriber);
        for (int k = first; k < first + keyCount(subscriber); k++) {
            out.add(nchanChannel(k));
        }
        return out;
    }
}
