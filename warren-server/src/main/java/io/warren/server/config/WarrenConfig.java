package io.warren.server.config;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line and configuration: every option is read from a {@code --key=value} flag (or
 * {@code --key value}), else a {@code WARREN_KEY} environment variable, else the YAML file named by
 * {@code --config}, else its default ({@link ConfigSources}). Each group of options has its own reader,
 * which validates with messages naming key and value; {@code --print-config} is {@link ConfigPrinter}.
 */
@Command(
        name = "warren",
        mixinStandardHelpOptions = true,
        version = "Warren 0.1.0",
        description = "Routes events to browsers over long-lived HTTP tunnels.",
        sortOptions = false,
        showDefaultValues = true)
public final class WarrenConfig {

    // The order of the fields is the order of --help and --print-config.

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML configuration file (formats are defined there).")
    File config;

    @Mixin
    ServerFlags server = new ServerFlags();

    @Mixin
    ClusterFlags cluster = new ClusterFlags();

    // ---- security (docs/security.md) ----

    @Mixin
    SecurityFlags security = new SecurityFlags();

    @Mixin
    LimitFlags limits = new LimitFlags();

    // ---- lifecycle hooks (docs/backend-api.md) ----

    @Mixin
    HookFlags hooks = new HookFlags();

    // ---- operations (docs/operations.md) ----

    @Mixin
    OperationsFlags operations = new OperationsFlags();

    @Option(names = "--print-config", description = "Print the effective configuration (secrets masked) and exit.")
    boolean printConfig;

    /**
     * The result of reading every source: what the server serves, how it is run, and warnings about
     * valid settings that change how clients behave (logged at start); {@code hooks} where tunnel events go.
     */
    public record Loaded(ServerOptions server, OperationsOptions operations, List<String> warnings, HookOptions hooks) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    /** Parses {@code args}; returns null when help or version was printed. Throws with a clear message on bad input. */
    public static ServerOptions parse(String[] args, Map<String, String> env) {
        Loaded l = load(args, env, System.out);
        return l == null ? null : l.server();
    }

    /**
     * Reads flags, {@code WARREN_*} variables and the file; returns null when help, the version or the
     * effective configuration was printed to {@code out}. Throws {@link IllegalArgumentException} or
     * {@link CommandLine.ParameterException} with a message naming the offending key and value.
     */
    public static Loaded load(String[] args, Map<String, String> env, PrintStream out) {
        WarrenConfig c = new WarrenConfig();
        CommandLine cl = new CommandLine(c);
        ConfigSources sources = ConfigSources.read(args, env, cl.getCommandSpec());
        cl.setDefaultValueProvider(sources);
        CommandLine.ParseResult r = cl.parseArgs(args);
        if (r.isUsageHelpRequested()) {
            cl.usage(out);
            return null;
        }
        if (r.isVersionHelpRequested()) {
            cl.printVersionHelp(out);
            return null;
        }
        List<String> warnings = new ArrayList<>();
        Loaded loaded = new Loaded(c.toOptions(sources, warnings::add), c.operations.read(), warnings, c.hooks.read());
        if (c.printConfig) {
            out.print(ConfigPrinter.describe(r, sources));
            return null;
        }
        return loaded;
    }

    /** {@code WARREN_*} variables that name no option (the launcher's own are left alone). */
    public static List<String> unknownEnvironment(Map<String, String> env) {
        return ConfigSources.unknownEnvironment(env, new CommandLine(new WarrenConfig()).getCommandSpec());
    }

    /** Assembles the groups; the order of the checks is the order in which a user meets the errors. */
    private ServerOptions toOptions(ConfigSources sources, Consumer<String> warn) {
        var node = server.node();
        int body = server.maxBody();
        server.checkListener();
        var tls = server.tls();
        var formats = FormatConfig.readAll(sources.file("formats"), warn);
        return new ServerOptions(
                server.host,
                server.port,
                server.threads,
                body,
                Values.orNull(server.publishKey),
                node.withMaxInterests(limits.maxInterests()),
                formats,
                cluster.read(),
                HistoryConfig.read(sources.file("history")),
                security.read(limits),
                tls);
    }
}
