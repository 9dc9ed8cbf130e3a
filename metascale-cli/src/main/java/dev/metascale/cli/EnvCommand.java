package dev.metascale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.env.Environment;
import dev.metascale.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code env}: the environment a trial record would hold (without the libtorch fields). */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Prints this machine's environment as recorded in every trial (hardware, OS, JVM, versions).")
public final class EnvCommand implements Callable<Integer> {
    @Option(names = "--json", description = "one JSON object")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectNode env = Environment.capture();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(env));
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                out.println(field.getKey() + ": " + (value.isTextual() ? value.asText() : value.toString()));
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
