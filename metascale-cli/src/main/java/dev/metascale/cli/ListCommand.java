package dev.metascale.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.spec.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code list}: the names a suite may use, with availability. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the data sets, samplers, models, algorithms, techniques and precisions a suite may name.")
public final class ListCommand implements Callable<Integer> {
    @Option(names = "--json", description = "one JSON object: category -> [{name, available, description}]")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static Map<String, List<Catalog.Entry>> categories() {
        Map<String, List<Catalog.Entry>> categories = new LinkedHashMap<>();
        categories.put("datasets", Catalog.DATASETS);
        categories.put("samplers", Catalog.SAMPLERS);
        categories.put("models", Catalog.MODELS);
        categories.put("algorithms", Catalog.ALGORITHMS);
        categories.put("techniques", Catalog.TECHNIQUES);
        categories.put("precisions", Catalog.PRECISIONS);
        return categories;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            categories().forEach((category, entries) -> {
                ArrayNode list = root.putArray(category);
                entries.forEach(e -> list.addObject().put("name", e.name()).put("available", e.available())
                        .put("description", e.description()));
            });
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            categories().forEach((category, entries) -> {
                out.println(category + ":");
                int width = entries.stream().mapToInt(e -> e.name().length()).max().orElse(0);
                for (Catalog.Entry e : entries) {
                    out.printf("  %-" + width + "s  %-9s  %s%n", e.name(), e.available() ? "available" : "planned",
                            e.description());
                }
            });
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
