package io.warren.fuzz;

import java.util.List;

/**
 * Tokens that fuzzers string together into almost-JSON: Warren's own keys and control paths, the literals
 * and escapes parsers get wrong (lone surrogates, NUL, huge exponents, NaN, comments, single quotes) and
 * one long string. Shared by the parser fuzz test and the live server's endpoint fuzz test.
 */
public final class JsonTokens {
    public static final List<String> TOKENS = List.of(
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"tunnel\"",
            "\"path\"",
            "\"data\"",
            "\"id\"",
            "\"subpaths\"",
            "\"/a/b\"",
            "\"/meta/subscribe\"",
            "\"/meta/unsubscribe\"",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "1",
            "-0",
            "1e999",
            "null",
            "true",
            "\"x\"",
            " ",
            "/*c*/",
            "'",
            "'x'",
            "\u00ff",
            "NaN",
            "\"" + "y".repeat(500) + "\"");

    private JsonTokens() {}
}
