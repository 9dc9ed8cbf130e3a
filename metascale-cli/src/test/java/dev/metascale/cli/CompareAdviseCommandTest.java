package dev.metascale.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import dev.metascale.core.result.ResultStore;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.EvalSpec;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.core.spec.SamplerSpec;
import dev.metascale.core.spec.TechniqueSpec;
import dev.metascale.core.spec.TrainSpec;
import dev.metascale.core.spec.TrialSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code compare} and {@code advise} through the command line: output and exit codes. */
class CompareAdviseCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static TrialResult trial(String algorithm, double accuracyShift, double mib, double iterS) {
        TrialSpec spec = new TrialSpec("t", "glyphs", new SamplerSpec("fixed", 5, 1, 15), new ModelSpec("conv4", null, List.of(), 32),
                new AlgorithmSpec(algorithm, 0.4, 1, 3, 0.001, 4), new TrainSpec(20, 3), new EvalSpec(60, 7, "glyphs"),
                new TechniqueSpec("fp32", 0, 1), 0, 600, "none");
        ObjectNode samples = Json.MAPPER.createObjectNode();
        var episodes = samples.putArray("episode_accuracy");
        double sum = 0;
        for (int i = 0; i < 60; i++) {
            double v = 0.4 + 0.5 * ((i * 7) % 60) / 60.0 + accuracyShift;
            episodes.add(v);
            sum += v;
        }
        var times = samples.putArray("iter_time_s");
        for (int i = 0; i < 30; i++) {
            times.add(iterS * (1 + 0.01 * (i % 3)));
        }
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        metrics.putObject("accuracy").put("mean", sum / 60).put("std", 0.15).put("ci95", 0.04).put("n", 60);
        metrics.putObject("iter_time_s").put("median", iterS).put("mean", iterS).put("std", 0.01).put("p95", iterS).put("n", 30);
        metrics.put("peak_rss_bytes", (long) (mib * 1024 * 1024));
        metrics.put("train_time_s", iterS * 20);
        return TrialResult.ok(spec, Json.MAPPER.createObjectNode(), Json.MAPPER.createObjectNode(), metrics, samples, "a", "b", 1);
    }

    private Path run(String name, TrialResult... records) throws Exception {
        Path dir = tmp.resolve(name);
        ResultStore store = new ResultStore(dir);
        for (TrialResult r : records) {
            store.append(r);
        }
        return dir;
    }

    @Test
    void compareExitsOneOnAPlantedRegressionAndZeroOtherwise() throws Exception {
        Path a = run("a", trial("maml", 0, 800, 0.4), trial("protonet", 0, 400, 0.1));
        Path same = run("same", trial("maml", 0, 800, 0.4), trial("protonet", 0, 400, 0.1));
        Path worse = run("worse", trial("maml", -0.03, 800, 0.4), trial("protonet", 0, 400, 0.1));
        assertEquals(Main.EXIT_OK, execute("compare", a.toString(), same.toString()), out + "" + err);
        assertTrue(out.toString().contains("no regression"), out.toString());
        assertEquals(Main.EXIT_FAILED, execute("compare", a.toString(), worse.toString()), out.toString());
        assertTrue(out.toString().contains("REGRESSION: accuracy -3.0 pp"), out.toString());
        assertEquals(Main.EXIT_INVALID, execute("compare", a.toString(), tmp.resolve("nothing").toString()));
    }

    @Test
    void adviseRanksWhatFitsAndRejectsBadUnits() throws Exception {
        Path dir = run("run", trial("maml", 0.05, 3000, 0.4), trial("protonet", 0, 400, 0.1));
        assertEquals(Main.EXIT_OK, execute("advise", dir.toString(), "--max-memory", "2GiB", "--max-time", "5m"), err.toString());
        assertTrue(out.toString().startsWith("1. protonet conv4-32 5w1s"), out.toString());
        assertTrue(out.toString().contains("maml conv4-32 5w1s — does not fit: memory 2.93 GiB > 2.00 GiB"), out.toString());
        assertEquals(Main.EXIT_FAILED, execute("advise", dir.toString(), "--max-memory", "100MiB"));
        assertEquals(Main.EXIT_INVALID, execute("advise", dir.toString(), "--max-memory", "2 furlongs"));
        assertTrue(err.toString().contains("cannot read memory '2 furlongs'"), err.toString());
        assertEquals(Main.EXIT_INVALID, execute("advise", dir.toString(), "--max-memory", "2GiB", "--max-perplexity", "0.5"));
        assertTrue(err.toString().contains("a perplexity is at least 1"), err.toString());
        out.getBuffer().setLength(0);
        assertEquals(Main.EXIT_FAILED, execute("advise", dir.toString(), "--max-memory", "2GiB", "--max-perplexity", "12"));
        assertTrue(out.toString().contains("a classifier has no perplexity to hold to --max-perplexity"), out.toString());
    }
}
