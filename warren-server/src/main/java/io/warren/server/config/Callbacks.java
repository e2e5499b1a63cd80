package io.warren.server.config;

import java.util.regex.Pattern;

/**
 * The callback rule, one place for every callback name that ends up in a script: the {@code callback}
 * parameter of a request and a format's configured {@code default-callback}.
 */
public final class Callbacks {
    /** A dotted JavaScript identifier path, such as {@code cb} or {@code app.on_datagram}. */
    private static final Pattern CALLBACK =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,63}(\\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,3}");

    /** What the rule allows, for error messages. */
    public static final String RULE = "a JavaScript identifier, optionally dotted (a.b.c)";

    private Callbacks() {}

    public static boolean valid(String callback) {
        return callback != null && CALLBACK.matcher(callback).matches();
    }
}
