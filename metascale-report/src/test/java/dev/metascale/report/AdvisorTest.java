package dev.metascale.report;

import dev.metascale.core.result.TrialResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdvisorTest {
    private static final double MIB = 1024.0 * 1024;

    private static TrialResult config(String algorithm, double acc, double ci, double mib, double trainS) {
        return Trials.ok(Trials.spec(algorithm, 0), Trials.metrics().accuracy(acc, ci).peakMib(mib).scalar("train_time_s", trainS));
    }

    private static Budget budget(String memory, String time, String accuracy) {
        return new Budget(OptionalDouble.of(Budget.parseBytes(memory)), time == null ? OptionalDouble.empty() : OptionalDouble.of(Budget.parseSeconds(time)),
                accuracy == null ? OptionalDouble.empty() : OptionalDouble.of(Budget.parseAccuracy(accuracy)), OptionalDouble.empty());
    }

    @Test
    void picksTheMostAccurateMethodThatFitsAndSaysWhyTheOthersDoNot() {
        RunAnalysis run = RunAnalysis.of(List.of(
                config("maml", 0.80, 0.01, 3000, 100),      // too much memory
                config("fomaml", 0.74, 0.01, 900, 60),      // fits, best that fits
                config("protonet", 0.70, 0.01, 500, 20),    // fits, cheaper: on the frontier, rank 2
                config("anil", 0.69, 0.01, 600, 30),        // fits but protonet dominates it
                config("reptile", 0.76, 0.01, 1000, 900))); // too slow
        List<Advisor.Verdict> v = Advisor.advise(run, budget("2GiB", "5m", null));
        List<String> recommended = v.stream().filter(Advisor.Verdict::recommended).map(x -> x.configuration().spec().algorithm().name()).toList();
        assertEquals(List.of("fomaml", "protonet"), recommended);
        assertEquals(1, v.get(0).rank());
        assertTrue(v.get(0).reason().contains("≤ 2.00 GiB"), v.get(0).reason());
        String text = Advisor.render(v);
        assertTrue(text.contains("maml conv4 5w1s — does not fit: memory 2.93 GiB > 2.00 GiB"), text);
        assertTrue(text.contains("reptile conv4 5w1s — does not fit: training time 15.0 min > 5.0 min"), text);
        assertTrue(text.contains("anil conv4 5w1s — fits, but protonet conv4 5w1s"), text);
    }

    @Test
    void tiedAccuraciesShareRankOneAndTheCheaperComesFirst() {
        RunAnalysis run = RunAnalysis.of(List.of(config("maml", 0.75, 0.03, 1500, 100), config("fomaml", 0.74, 0.03, 700, 50)));
        List<Advisor.Verdict> v = Advisor.advise(run, budget("2GiB", null, "70%"));
        assertEquals("fomaml", v.get(0).configuration().spec().algorithm().name());
        assertEquals(1, v.get(0).rank());
        assertEquals(1, v.get(1).rank());
    }

    @Test
    void extrapolatesMemoryAlongTheFittedLawToALargerModel() {
        List<TrialResult> records = new ArrayList<>();
        int[] channels = {8, 16, 32, 64};
        for (int i = 0; i < channels.length; i++) {
            double params = 1000.0 * channels[i] * channels[i];
            // memory = 200 MiB-ish * (params/64000)^0.5 (a known law), time linear in params
            double mib = 100 * Math.pow(params / 64_000, 0.5) * (1 + 0.01 * (i % 2 == 0 ? 1 : -1));
            records.add(Trials.ok(Trials.spec("maml", channels[i], 4, 0), Trials.metrics().accuracy(0.6 + 0.02 * i, 0.01)
                    .peakMib(mib).scalar("train_time_s", params / 1e4).scalar("param_count", params)));
        }
        RunAnalysis run = RunAnalysis.of(records);
        double target = 16 * 4_096_000.0; // 16x the largest model: memory ≈ 100 * sqrt(1024) = 3200 MiB
        List<Advisor.Verdict> fits = Advisor.advise(run, new Budget(OptionalDouble.of(4096 * MIB), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.of(target)));
        assertTrue(fits.get(0).recommended(), Advisor.render(fits));
        assertEquals(3200 * MIB, fits.get(0).memoryBytes().getAsDouble(), 0.1 * 3200 * MIB);
        assertTrue(fits.get(0).reason().contains("memory ∝ N^0.50"), fits.get(0).reason());
        assertTrue(fits.get(0).reason().contains("95 % PI"), fits.get(0).reason());
        List<Advisor.Verdict> tooBig = Advisor.advise(run, new Budget(OptionalDouble.of(2048 * MIB), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.of(target)));
        assertFalse(tooBig.get(0).recommended(), Advisor.render(tooBig));
    }

    @Test
    void unitsParse() {
        assertEquals(2 * 1024 * MIB, Budget.parseBytes("2GiB"));
        assertEquals(512 * MIB, Budget.parseBytes("512MiB"));
        assertEquals(300, Budget.parseSeconds("5m"));
        assertEquals(30, Budget.parseSeconds("30s"));
        assertEquals(0.6, Budget.parseAccuracy("60%"), 1e-12);
        assertEquals(7e9, Budget.parseCount("7B"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Budget.parseBytes("2 parsecs"));
        assertTrue(e.getMessage().contains("GiB"), e.getMessage());
    }
}
