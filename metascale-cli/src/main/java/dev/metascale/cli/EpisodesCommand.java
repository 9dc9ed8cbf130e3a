package dev.metascale.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.engine.TrialExecutor;
import dev.metascale.engine.data.CorruptDataException;
import dev.metascale.engine.data.DatasetUnavailableException;
import dev.metascale.engine.data.Datasets;
import dev.metascale.engine.data.EpisodeIndex;
import dev.metascale.engine.data.EpisodeSampler;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.engine.data.Samplers;
import dev.metascale.engine.data.Split;
import dev.metascale.engine.data.TextDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code episodes}: prints the episodes a sampler draws, exactly as a trial with the same data set,
 * sampler and seed draws them (same split seed as the trial loop). With {@code --json}, one JSON
 * object per line: {@code index}, {@code dataset}, {@code split}, {@code classes} (names),
 * {@code ways}, {@code shots} and {@code query} (per-class counts), and with {@code --examples}
 * also {@code support_examples} / {@code query_examples} (per-class example indices) and, for a text
 * data set ({@code wordnet}, {@code wordnet-lexname}, {@code text-table}), {@code support_texts} /
 * {@code query_texts}: the texts the token ids encode, per class.
 */
@Command(name = "episodes", mixinStandardHelpOptions = true,
        description = "Prints the episodes a sampler draws (classes and per-class shot/query counts).")
public final class EpisodesCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "data set name (see `metascale list`)")
    String dataset;

    @Option(names = "--sampler", defaultValue = "fixed", description = "fixed | meta-dataset | imbalanced (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--ways", defaultValue = "5", description = "classes per episode (fixed, imbalanced)")
    int ways;

    @Option(names = "--shots", defaultValue = "1", description = "support examples per class (fixed)")
    int shots;

    @Option(names = "--query", defaultValue = "15", description = "query examples per class (fixed, imbalanced)")
    int query;

    @Option(names = "--min-shots", defaultValue = "1", description = "fewest shots per class (imbalanced)")
    int minShots;

    @Option(names = "--max-shots", defaultValue = "5", description = "most shots per class (imbalanced)")
    int maxShots;

    @Option(names = "--split", defaultValue = "test", description = "train | val | test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--count", defaultValue = "10", description = "number of episodes (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--seed", defaultValue = "1000", description = "episode seed; a suite's eval.seed for its test pool (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "one JSON object per line per episode")
    boolean json;

    @Option(names = "--examples", description = "also print the example indices of each class (and the texts of a text data set)")
    boolean examples;

    @Option(names = "--skip-small-classes", description = "leave out classes too small for the episodes (sampler.skip_small_classes)")
    boolean skipSmallClasses;

    @Option(names = "--within-group", description = "draw each episode's classes from one group, e.g. one domain of"
            + " nlp-cross-domain (sampler.within_group)")
    boolean withinGroup;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Split s;
        try {
            s = Split.valueOf(split.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("error: --split must be train, val or test, got '" + split + "'");
            return Main.EXIT_INVALID;
        }
        if (count < 0) {
            err.println("error: --count must be >= 0, got " + count);
            return Main.EXIT_INVALID;
        }
        FewShotDataset data;
        EpisodeSampler episodeSampler;
        try {
            data = Datasets.open(dataset, TrialExecutor.SPLIT_SEED);
            episodeSampler = Samplers.create(new SamplerSpec(sampler, ways, shots, query, minShots, maxShots, skipSmallClasses, withinGroup), data, s);
        } catch (DatasetUnavailableException | CorruptDataException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_FAILED;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_INVALID;
        }
        List<String> names = data.classNames(s);
        for (int i = 0; i < count; i++) {
            EpisodeIndex e = episodeSampler.episode(seed, i);
            int[] shotCounts = e.support().stream().mapToInt(a -> a.length).toArray();
            int[] queryCounts = e.query().stream().mapToInt(a -> a.length).toArray();
            if (json) {
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.put("index", i).put("dataset", data.name()).put("split", s.name().toLowerCase(Locale.ROOT));
                ArrayNode classes = line.putArray("classes");
                e.classes().forEach(c -> classes.add(names.get(c)));
                line.put("ways", e.ways());
                ArrayNode shotsNode = line.putArray("shots");
                Arrays.stream(shotCounts).forEach(shotsNode::add);
                ArrayNode queryNode = line.putArray("query");
                Arrays.stream(queryCounts).forEach(queryNode::add);
                if (examples) {
                    ArrayNode support = line.putArray("support_examples");
                    e.support().forEach(a -> Arrays.stream(a).forEach(support.addArray()::add));
                    ArrayNode queries = line.putArray("query_examples");
                    e.query().forEach(a -> Arrays.stream(a).forEach(queries.addArray()::add));
                    if (data instanceof TextDataset text) {
                        line.set("support_texts", texts(text, e, e.support()));
                        line.set("query_texts", texts(text, e, e.query()));
                    }
                }
                out.println(Json.MAPPER.writeValueAsString(line));
            } else {
                out.printf("episode %d: %d-way, %d support, %d query: %s%n", i, e.ways(), e.supportSize(), e.querySize(),
                        describe(e, names, shotCounts, queryCounts));
                if (examples && data instanceof TextDataset text) {
                    for (int l = 0; l < e.ways(); l++) {
                        for (int x : e.support().get(l)) {
                            out.printf("  %s support: %s%n", names.get(e.classes().get(l)), text.text(s, e.classes().get(l), x));
                        }
                    }
                }
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** Per class (in label order), the texts of the chosen examples. */
    private static ArrayNode texts(TextDataset data, EpisodeIndex e, List<int[]> chosen) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int l = 0; l < e.ways(); l++) {
            ArrayNode cls = out.addArray();
            for (int x : chosen.get(l)) {
                cls.add(data.text(e.split(), e.classes().get(l), x));
            }
        }
        return out;
    }

    private static String describe(EpisodeIndex e, List<String> names, int[] shots, int[] queries) {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < e.ways(); l++) {
            if (l > 0) {
                sb.append(", ");
            }
            sb.append(names.get(e.classes().get(l))).append(" (").append(shots[l]).append('+').append(queries[l]).append(')');
        }
        return sb.toString();
    }
}
