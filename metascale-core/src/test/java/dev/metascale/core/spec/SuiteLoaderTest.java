package dev.metascale.core.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SuiteLoaderTest {

    /** The example of the Suite format in DESIGN.md, every key written out. */
    static final String DESIGN_EXAMPLE = """
            name: tiny
            description: optional text
            timeout_s: 7200
            defaults:
              dataset: glyphs
              sampler: {kind: fixed, ways: 5, shots: 1, query: 15}
              model: {arch: conv4}
              algorithm: {name: maml, inner_lr: 0.4, inner_steps: 1, outer_lr: 0.001, meta_batch: 4}
              train: {iterations: 20, warmup: 3}
              eval: {episodes: 50, seed: 1000}
              techniques: {precision: fp32, checkpointing: false, world_size: 1}
              seeds: [0]
              fault: none
            sweep:
              algorithm.name: [maml, fomaml, protonet]
              sampler.shots: [1, 5]
            """;

    static Suite parse(String yaml) throws InvalidSuiteException {
        return SuiteLoader.parse(yaml, "s.yaml");
    }

    /** The formatted errors of an invalid suite. */
    static List<String> errors(String yaml) {
        InvalidSuiteException e = assertThrows(InvalidSuiteException.class, () -> parse(yaml));
        return e.errors().stream().map(SpecError::format).toList();
    }

    static TrialSpec trial(String algorithm, int shots, long seed) {
        return new TrialSpec("tiny", "glyphs", new SamplerSpec("fixed", 5, shots, 15),
                new ModelSpec("conv4", "", List.of(256, 256), 64),
                new AlgorithmSpec(algorithm, 0.4, 1, 1, 0.001, 4), new TrainSpec(20, 3), new EvalSpec(50, 1000, "glyphs"),
                new TechniqueSpec("fp32", 0, 1), seed, 7200, "none");
    }

    // ------------------------------------------------------------------ expansion

    @Test
    void designExampleExpandsToEveryCombinationLastAxisFastest() throws Exception {
        Suite suite = parse(DESIGN_EXAMPLE);
        assertEquals("tiny", suite.name());
        assertEquals(Path.of("s.yaml"), suite.file());
        assertEquals(List.of(
                trial("maml", 1, 0), trial("maml", 5, 0),
                trial("fomaml", 1, 0), trial("fomaml", 5, 0),
                trial("protonet", 1, 0), trial("protonet", 5, 0)), suite.trials());
    }

    @Test
    void omittedKeysTakeTheDocumentedDefaults() throws Exception {
        TrialSpec only = parse("name: bare\n").trials().get(0);
        assertEquals(new TrialSpec("bare", "glyphs", new SamplerSpec("fixed", 5, 1, 15),
                new ModelSpec("conv4", "", List.of(256, 256), 64),
                new AlgorithmSpec("maml", 0.4, 1, 1, 0.001, 4), new TrainSpec(100, 3), new EvalSpec(100, 1000, "glyphs"),
                new TechniqueSpec("fp32", 0, 1), 0, 7200, "none"), only);
        assertEquals(1, parse("name: bare\n").trials().size());
    }

    @Test
    void mapValuedSweepEntriesMergeOverTheDefaults() throws Exception {
        Suite suite = parse("""
                name: tiny
                defaults:
                  algorithm: {name: maml, inner_lr: 0.4, inner_steps: 1, outer_lr: 1e-3, meta_batch: 8}
                  model: {arch: mlp, hidden: [64]}
                sweep:
                  algorithm: [{name: maml}, {name: finetune, inner_lr: 0.01, inner_steps: 50}]
                  model.hidden: [[32], [128, 128]]
                """);
        List<TrialSpec> trials = suite.trials();
        assertEquals(4, trials.size());
        assertEquals(new AlgorithmSpec("maml", 0.4, 1, 1, 0.001, 8), trials.get(0).algorithm());
        assertEquals(new AlgorithmSpec("finetune", 0.01, 50, 50, 0.001, 8), trials.get(2).algorithm());
        assertEquals(List.of(32), trials.get(0).model().hidden());
        assertEquals(List.of(128, 128), trials.get(1).model().hidden());
        assertEquals("mlp", trials.get(3).model().arch());
    }

    @Test
    void seedsAreTheOutermostLoop() throws Exception {
        Suite suite = parse(DESIGN_EXAMPLE.replace("  seeds: [0]\n", "  seeds: [0, 7, 3]\n"));
        assertEquals(18, suite.trials().size());
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 7L, 7L, 7L, 7L, 7L, 7L, 3L, 3L, 3L, 3L, 3L, 3L),
                suite.trials().stream().map(TrialSpec::seed).toList());
        assertEquals(trial("fomaml", 5, 7), suite.trials().get(9));
    }

    @Test
    void seedsMayBeGivenAtTopLevel() throws Exception {
        Suite suite = parse("name: x\nseeds: [1, 2]\nsweep:\n  sampler.ways: [2, 3, 4]\n");
        assertEquals(6, suite.trials().size());
        assertEquals(2L, suite.trials().get(5).seed());
    }

    @Test
    void checkpointingAndChunkingAreAcceptedWhereImplemented() throws Exception {
        Suite suite = parse("name: x\ndefaults:\n  algorithm: {name: fomaml}\nsweep:\n  techniques.checkpointing: [false, true, 3]\n");
        assertEquals(List.of(0, 2, 3), suite.trials().stream().map(t -> t.techniques().checkpointing()).toList());
        assertEquals(List.of(0, 4), parse("name: x\nsweep:\n  techniques.chunk: [0, 4]\n").trials().stream()
                .map(t -> t.techniques().chunk()).toList());
    }

    @Test
    void checkpointingIsAcceptedForEveryModelWithFeatureBlocks() throws Exception {
        Suite suite = parse("name: x\nsweep:\n  techniques.checkpointing: [2]\n  model.arch: [conv4, mlp, resnet12, vit]\n");
        assertEquals(List.of("conv4", "mlp", "resnet12", "vit"), suite.trials().stream().map(t -> t.model().arch()).toList());
    }

    @Test
    void checkpointingIsRejectedForModelsWithoutFeatureBlocks() {
        // Every model available today has blocks: the rule is checked directly on a model that lacks them.
        assertEquals("activation checkpointing needs a model that exposes its feature blocks (conv4, mlp, resnet12, vit);"
                + " char-lm does not in this version; use checkpointing: false", dev.metascale.core.component.Components.checkpointingRejection("char-lm"));
        for (String arch : List.of("conv4", "mlp", "resnet12", "vit")) {
            assertNull(dev.metascale.core.component.Components.checkpointingRejection(arch), arch);
        }
    }

    @Test
    void vectorizedTasksAreAcceptedWhereImplementedAndRefusedWithTheFixElsewhere() throws Exception {
        Suite suite = parse("name: x\nsweep:\n  techniques.vectorize_tasks: [false, true]\n  model.arch: [conv4, mlp]\n");
        assertEquals(List.of(java.util.Map.of(), java.util.Map.of(), java.util.Map.of("vectorize_tasks", true),
                java.util.Map.of("vectorize_tasks", true)), suite.trials().stream().map(t -> t.techniques().options()).toList());
        assertEquals(trial("maml", 1, 0).techniques(), parse("name: x\ndefaults:\n  techniques: {vectorize_tasks: false}\n")
                .trials().get(0).techniques(), "off is the default: no option recorded, so no trial id changes");
        List<String> errors = errors("name: x\ndefaults:\n  model: {arch: resnet12, size: tiny}\n  algorithm: {name: reptile}\n"
                + "  sampler: {kind: meta-dataset, ways: 5, min_shots: 1, max_shots: 5, query: 5}\n"
                + "  techniques: {vectorize_tasks: true, parallel_tasks: 2}\n");
        String all = String.join("\n", errors);
        assertTrue(all.contains("vectorize_tasks is implemented for maml, fomaml, protonet, anil, finetune, linear-probe, lora and adapter in this version, not reptile"), all);
        assertTrue(all.contains("vectorize_tasks needs a model that computes tasks as one batch (conv4, mlp); resnet12"), all);
        assertTrue(all.contains("the meta-dataset sampler draws tasks of different sizes"), all);
        assertTrue(all.contains("vectorize_tasks computes the tasks as one batched operation, parallel_tasks on their own threads"), all);
        assertEquals(2, parse("name: x\ndefaults:\n  techniques: {vectorize_tasks: true, chunk: 2}\n").trials().get(0).techniques().chunk(),
                "chunk with vectorize_tasks: tasks per batched computation");
        for (String learner : List.of("maml", "fomaml", "protonet", "anil", "finetune", "linear-probe", "lora", "adapter")) {
            // composable with checkpointing, chunked where the learner takes chunks
            String chunk = List.of("maml", "fomaml", "protonet").contains(learner) ? ", chunk: 2" : "";
            assertEquals(1, parse("name: x\ndefaults:\n  algorithm: {name: " + learner + "}\n  techniques: {vectorize_tasks: true,"
                    + " checkpointing: 2" + chunk + "}\n").trials().size(), learner);
        }
    }

    @Test
    void chunkingIsRejectedWithCheckpointingAndForLearnersWithoutAMetaLoss() {
        assertEquals(List.of("s.yaml:3:25: sweep.techniques.chunk[1]: with activation checkpointing the tasks are back-propagated"
                        + " one at a time, so chunk has no effect; use chunk: 0 with checkpointing (or add vectorize_tasks: chunk is then the"
                        + " tasks per batched computation)"
                        + " (sweep combination: techniques.chunk=2, techniques.checkpointing=2)"),
                errors("name: x\nsweep:\n  techniques.chunk: [0, 2]\n  techniques.checkpointing: [2]\n"));
        assertEquals(1, errors("name: x\nsweep:\n  techniques.chunk: [2]\n  algorithm.name: [reptile]\n").size());
    }

    @Test
    void evalInnerStepsDefaultsToInnerStepsButCanBeSet() throws Exception {
        Suite suite = parse("name: x\ndefaults:\n  algorithm: {inner_steps: 5}\nsweep:\n  algorithm.eval_inner_steps: [10]\n");
        assertEquals(new AlgorithmSpec("maml", 0.4, 5, 10, 0.001, 4), suite.trials().get(0).algorithm());
        assertEquals(5, parse("name: x\ndefaults:\n  algorithm: {inner_steps: 5}\n").trials().get(0).algorithm().evalInnerSteps());
    }

    @Test
    void trialIdsAreStableAndTrackHyperparametersButNotTheTimeout() throws Exception {
        List<String> ids = parse(DESIGN_EXAMPLE).trials().stream().map(TrialSpec::id).toList();
        assertEquals(ids, parse(DESIGN_EXAMPLE).trials().stream().map(TrialSpec::id).toList());
        assertEquals(ids.size(), ids.stream().distinct().count());

        List<String> otherTimeout = parse(DESIGN_EXAMPLE.replace("timeout_s: 7200", "timeout_s: 60"))
                .trials().stream().map(TrialSpec::id).toList();
        assertEquals(ids, otherTimeout);

        List<String> otherLr = parse(DESIGN_EXAMPLE.replace("inner_lr: 0.4", "inner_lr: 0.5"))
                .trials().stream().map(TrialSpec::id).toList();
        for (int i = 0; i < ids.size(); i++) {
            assertNotEquals(ids.get(i), otherLr.get(i));
        }
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, DESIGN_EXAMPLE);
        Suite suite = SuiteLoader.load(file);
        assertEquals(file, suite.file());
        assertEquals(6, suite.trials().size());
    }

    // ------------------------------------------------------------------ errors: keys and types

    @Test
    void unknownKeySuggestsTheNearestValidKey() {
        assertEquals(List.of("s.yaml:3:26: defaults.sampler.wyas: unknown key 'wyas'; did you mean 'ways'?"),
                errors("name: x\ndefaults:\n  sampler: {kind: fixed, wyas: 5}\n"));
    }

    @Test
    void unknownKeyFarFromAnyListsTheValidKeys() {
        assertEquals(List.of("s.yaml:4:5: defaults.train.budget: unknown key 'budget'; valid keys: iterations, warmup, val_every, val_episodes, until"),
                errors("name: x\ndefaults:\n  train:\n    budget: 5\n"));
    }

    @Test
    void unknownKeysAtTopLevelAndInTheSweepAreReported() {
        assertEquals(List.of(
                        "s.yaml:2:1: descripton: unknown key 'descripton'; did you mean 'description'?",
                        "s.yaml:4:3: sweep.algoritm.name: unknown key 'algoritm.name'; did you mean 'algorithm.name'?",
                        "s.yaml:5:16: sweep.algorithm[0].nme: unknown key 'nme'; did you mean 'name'?"),
                errors("name: x\ndescripton: y\nsweep:\n  algoritm.name: [maml]\n  algorithm: [{nme: maml}]\n"));
    }

    @Test
    void anIntegerTooLargeForItsKeySaysSoWithTheLimit() {
        assertEquals(List.of(
                        "s.yaml:3:27: defaults.algorithm.meta_batch: integer 99999999999 is out of range: this key holds at most 2147483647 (2^31 - 1)",
                        "s.yaml:4:9: seeds[0]: integer 99999999999999999999 is out of range: this key holds at most 9223372036854775807 (2^63 - 1)"),
                errors("name: x\ndefaults:\n  algorithm: {meta_batch: 99999999999}\nseeds: [99999999999999999999]\n"));
    }

    @Test
    void wrongTypeNamesWhatWasExpectedAndWhatWasFound() {
        assertEquals(List.of(
                        "s.yaml:3:32: defaults.sampler.ways: expected an integer, got 'five'",
                        "s.yaml:4:25: defaults.algorithm.inner_lr: expected a number, got 'fast'",
                        "s.yaml:5:23: defaults.model.hidden[1]: expected an integer, got '2.5'",
                        "s.yaml:6:31: defaults.techniques.checkpointing: expected true, false or a segment count, got 'yes please'"),
                errors("""
                        name: x
                        defaults:
                          sampler: {kind: fixed, ways: five}
                          algorithm: {inner_lr: fast}
                          model: {hidden: [1, 2.5]}
                          techniques: {checkpointing: yes please}
                        """));
    }

    @Test
    void valuesOutOfRangeAreRejected() {
        assertEquals(List.of(
                        "s.yaml:3:19: defaults.sampler.ways: glyphs episodes classify among their ways: ways must be >= 2, got 1"
                                + " (ways: 1 is for the language-model data set udhr)",
                        "s.yaml:3:29: defaults.sampler.shots: must be >= 1, got 0",
                        "s.yaml:4:25: defaults.algorithm.inner_lr: must be > 0, got 0",
                        "s.yaml:4:56: defaults.algorithm.meta_batch: must be >= 1, got -2",
                        "s.yaml:5:12: timeout_s: must be >= 1, got 0"),
                errors("""
                        name: x
                        defaults:
                          sampler: {ways: 1, shots: 0}
                          algorithm: {inner_lr: 0, inner_steps: 0, meta_batch: -2, name: protonet}
                        timeout_s: 0
                        """));
    }

    @Test
    void namesAreCheckedAgainstTheCatalog() {
        assertEquals(List.of(
                        "s.yaml:3:21: defaults.algorithm.name: unknown algorithm 'mamll'; did you mean 'maml'? (see `metascale list`)",
                        "s.yaml:4:12: defaults.dataset: unknown dataset 'cifar'; known: glyphs, synthetic, fashion-mnist, mnist, wordnet, wordnet-lexname, fortunes, sotu, udhr-langid, nlp-cross-domain, udhr, image-folder, text-table (see `metascale list`)",
                        "s.yaml:5:10: defaults.fault: unknown fault 'crash'; known: none, throw, exit, hang, oom"),
                errors("""
                        name: x
                        defaults:
                          algorithm: {name: mamll}
                          dataset: cifar
                          fault: crash
                        """));
    }

    @Test
    void fp16NeedsALearnerThatScalesItsLosses() throws InvalidSuiteException {
        assertEquals(2, parse("name: x\ndefaults:\n  algorithm: {name: maml}\nsweep:\n  techniques.precision: [fp32, fp16]\n").trials().size());
        assertEquals(List.of("s.yaml:6:5: sweep.techniques.precision[1]: fp16 needs dynamic loss scaling of every gradient the"
                        + " learner forms, which this version applies in maml, fomaml, protonet, anil, finetune, linear-probe,"
                        + " lora and adapter, not reptile; use precision: bf16 (float32's exponent range: no scaling needed) or"
                        + " fp32 (sweep combination: techniques.precision=fp16, algorithm.name=reptile)"),
                errors("name: x\ndefaults:\n  algorithm: {name: reptile}\nsweep:\n  techniques.precision: [fp32,\n    fp16]\n"));
    }

    @Test
    void offloadNeedsCudaAndSaysSo() {
        List<String> errors = errors("name: x\ndefaults:\n  techniques: {checkpointing: 2, offload: true}\n");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("offload keeps checkpointed segments' inputs in host memory while a CUDA device computes"),
                errors.get(0));
        List<String> without = errors("name: x\ndefaults:\n  techniques: {offload: true}\n");
        assertTrue(without.get(0).contains("it needs checkpointing: N"), without.get(0));
    }

    @Test
    void offloadOnCudaWithCheckpointingIsAcceptedAndOneSegmentIsRefused() throws InvalidSuiteException {
        assertEquals(1, parse("name: x\ndefaults:\n  techniques: {device: cuda, checkpointing: 2, offload: true}\n").trials().size());
        List<String> one = errors("name: x\ndefaults:\n  techniques: {device: cuda, checkpointing: 1, offload: true}\n");
        assertEquals(1, one.size(), one.toString());
        assertTrue(one.get(0).contains("N >= 2: the first segment's input is the episode itself"), one.get(0));
    }

    @Test
    void dataParallelOnCudaGivesEachRankItsOwnGpu() throws InvalidSuiteException {
        assertEquals(1, parse("name: x\ndefaults:\n  algorithm: {meta_batch: 4}\n  techniques: {device: cuda, world_size: 2}\n")
                .trials().size());
        List<String> pinned = errors("name: x\ndefaults:\n  algorithm: {meta_batch: 4}\n  techniques: {device: 'cuda:0', world_size: 2}\n");
        assertEquals(1, pinned.size(), pinned.toString());
        assertTrue(pinned.get(0).contains("NCCL refuses two ranks on one GPU") && pinned.get(0).contains("use device: cuda"),
                pinned.get(0));
    }

    @Test
    void offloadOffLeavesTheTrialIdUnchanged() throws InvalidSuiteException {
        String id = parse("name: x\n").trials().get(0).id();
        assertEquals(id, parse("name: x\ndefaults:\n  techniques: {offload: false}\n").trials().get(0).id());
    }

    @Test
    void parallelTasksAreValidatedAgainstTheLearnerTheBatchAndTheOtherTechniques() throws InvalidSuiteException {
        assertEquals(2, parse("name: x\ndefaults:\n  techniques: {parallel_tasks: 2}\n").trials().get(0).techniques().parallelTasks());
        assertTrue(errors("name: x\ndefaults:\n  techniques: {parallel_tasks: 1}\n").get(0)
                .contains("parallel_tasks: 1 is the default order"));
        assertTrue(errors("name: x\ndefaults:\n  algorithm: {name: reptile}\n  techniques: {parallel_tasks: 2}\n").get(0)
                .contains("parallel tasks are implemented for maml, fomaml and protonet"));
        String tooMany = errors("name: x\ndefaults:\n  algorithm: {meta_batch: 4}\n  techniques: {parallel_tasks: 3, world_size: 2}\n").get(0);
        assertTrue(tooMany.contains("parallel_tasks 3 exceeds the 2 tasks each process takes per step (meta_batch 4 over world_size 2)"),
                tooMany);
        assertTrue(errors("name: x\ndefaults:\n  techniques: {parallel_tasks: 2, checkpointing: 2}\n").get(0)
                .contains("choose one"));
        assertTrue(errors("name: x\ndefaults:\n  techniques: {parallel_tasks: 2, chunk: 2}\n").get(0)
                .contains("use chunk: 0 with parallel_tasks"));
        assertTrue(errors("name: x\ndefaults:\n  techniques: {parallel_tasks: 2, precision: bf16}\n").get(0)
                .contains("autocast state belongs to the thread that set it"));
    }

    @Test
    void overlappedAllReduceIsValidatedAndOffLeavesTheTrialIdUnchanged() throws InvalidSuiteException {
        assertTrue(parse("name: x\ndefaults:\n  techniques: {overlap_allreduce: true, world_size: 2}\n").trials().get(0)
                .techniques().overlapAllreduce());
        assertTrue(errors("name: x\ndefaults:\n  techniques: {overlap_allreduce: true}\n").get(0)
                .contains("with world_size 1 there is none"));
        assertTrue(errors("name: x\ndefaults:\n  algorithm: {name: reptile}\n  techniques: {overlap_allreduce: true, world_size: 2}\n")
                .get(0).contains("overlap_allreduce is implemented for maml, fomaml and protonet"));
        assertTrue(errors("name: x\ndefaults:\n  techniques: {overlap_allreduce: true, world_size: 2, parallel_tasks: 2}\n").get(0)
                .contains("no back-propagation to overlap"));
        assertTrue(errors("name: x\ndefaults:\n  techniques: {overlap_allreduce: true, world_size: 2, checkpointing: 2}\n").get(0)
                .contains("checkpointed path"));
        String id = parse("name: x\n").trials().get(0).id();
        assertEquals(id, parse("name: x\ndefaults:\n  techniques: {overlap_allreduce: false}\n").trials().get(0).id());
    }

    @Test
    void sequentialTasksLeaveTheTrialIdUnchanged() throws InvalidSuiteException {
        String id = parse("name: x\n").trials().get(0).id();
        assertEquals(id, parse("name: x\ndefaults:\n  techniques: {parallel_tasks: 0}\n").trials().get(0).id());
        assertTrue(!id.equals(parse("name: x\ndefaults:\n  techniques: {parallel_tasks: 2}\n").trials().get(0).id()));
    }

    // ------------------------------------------------------------------ errors: combinations

    @Test
    void impossibleCombinationIsReportedAtTheSweepValueAndNamesTheCombination() {
        assertEquals(List.of("s.yaml:5:30: sweep.techniques.world_size[1]: strong scaling splits meta_batch 3 over world_size 2:"
                        + " use a meta_batch divisible by the world size, or scaling: weak"
                        + " (sweep combination: algorithm.meta_batch=3, techniques.world_size=2, techniques.scaling=strong)"),
                errors("""
                        name: x
                        defaults:
                          algorithm: {meta_batch: 3}
                        sweep:
                          techniques.world_size: [1, 2]
                        """));
    }

    @Test
    void variableWaySamplerNeedsAHeadFreeLearner() {
        List<String> errors = errors("name: x\ndefaults:\n  sampler: {kind: meta-dataset}\nsweep:\n  algorithm.name: [protonet, maml]\n");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("s.yaml:5:30: sweep.algorithm.name[1]: maml learns a classifier head of a fixed number of ways"),
                errors.get(0));
    }

    @Test
    void languageModelDataGoesWithCharLmOneWayFixedEpisodesAndLearnersThatKeepTheHead() throws Exception {
        Suite ok = parse("""
                name: x
                defaults:
                  dataset: udhr
                  model: {arch: char-lm, size: tiny}
                  sampler: {kind: fixed, ways: 1, shots: 4, query: 4}
                sweep:
                  algorithm.name: [maml, fomaml, reptile, imaml, anil, finetune]
                """);
        assertEquals(6, ok.trials().size());
        assertEquals(List.of("s.yaml:4:17: defaults.model.arch: udhr is language-model data (character windows): use model.arch"
                        + " char-lm, not conv4"),
                errors("name: x\ndefaults:\n  dataset: udhr\n  model: {arch: conv4}\n  sampler: {ways: 1}\n"));
        assertEquals(List.of("s.yaml:3:17: defaults.model.arch: char-lm is a character language model: use it with the data set"
                        + " udhr, not glyphs"),
                errors("name: x\ndefaults:\n  model: {arch: char-lm}\n"));
        assertEquals(List.of("s.yaml:5:19: defaults.sampler.ways: udhr episodes are language-model tasks of one language each:"
                        + " use ways: 1 (shots = support windows, query = query windows), got ways 5"),
                errors("name: x\ndefaults:\n  dataset: udhr\n  model: {arch: char-lm}\n  sampler: {ways: 5}\n"));
        List<String> protonet = errors("name: x\ndefaults:\n  dataset: udhr\n  model: {arch: char-lm}\n  sampler: {ways: 1}\n"
                + "sweep:\n  algorithm.name: [maml, protonet, lora]\n");
        assertEquals(2, protonet.size(), protonet.toString());
        assertTrue(protonet.get(0).startsWith("s.yaml:7:26: sweep.algorithm.name[1]: protonet classifies by distance to class"
                + " prototypes, and a language-model task has no classes"), protonet.get(0));
        assertTrue(protonet.get(1).contains("lora replaces the head by a new zero-initialised one per episode")
                && protonet.get(1).contains("use one of maml, fomaml, reptile, imaml, anil, finetune"), protonet.get(1));
        List<String> sampler = errors("name: x\ndefaults:\n  dataset: udhr\n  model: {arch: char-lm}\n"
                + "  sampler: {kind: imbalanced, ways: 1}\n");
        assertTrue(sampler.stream().anyMatch(e -> e.contains("use sampler.kind fixed, not imbalanced")), sampler.toString());
        List<String> cross = errors("name: x\ndefaults:\n  dataset: udhr\n  model: {arch: char-lm}\n  sampler: {ways: 1}\n"
                + "  eval: {dataset: glyphs}\n");
        assertTrue(cross.stream().anyMatch(e -> e.contains("cross-domain evaluation needs the same kind of task")), cross.toString());
    }

    @Test
    void inLoopAlgorithmsNeedInnerSteps() {
        assertEquals(List.of("s.yaml:5:27: sweep.algorithm.inner_steps[0]: fomaml needs inner_steps >= 1 (it adapts in the inner loop), got 0"
                        + " (sweep combination: algorithm.inner_steps=0, algorithm.name=fomaml)"),
                errors("""
                        name: x
                        sweep:
                          algorithm.name: [protonet, fomaml]
                          # protonet may use 0 inner steps; fomaml may not
                          algorithm.inner_steps: [0, 1]
                        """));
    }

    @Test
    void warmupMustBeBelowIterations() {
        assertEquals(List.of("s.yaml:3:34: defaults.train.warmup: warmup (5) must be less than iterations (5); lower warmup or raise iterations"),
                errors("name: x\ndefaults:\n  train: {iterations: 5, warmup: 5}\n"));
    }

    @Test
    void duplicateTrialsNameBothSweepPositions() {
        assertEquals(List.of("s.yaml:3:29: sweep.algorithm[1]: duplicate trial: sweep position (algorithm[1]={name: maml, inner_lr: 0.4})"
                        + " gives the same trial as (algorithm[0]={name: maml}); remove one of them"),
                errors("name: x\nsweep:\n  algorithm: [{name: maml}, {name: maml, inner_lr: 0.4}]\n"));
    }

    @Test
    void oneKeyMayNotBeSweptByTwoAxes() {
        assertEquals(List.of("s.yaml:4:15: sweep.algorithm[0]: 'algorithm.name' is already swept by 'algorithm.name' (line 3); sweep each key in one axis only"),
                errors("name: x\nsweep:\n  algorithm.name: [maml, fomaml]\n  algorithm: [{name: maml}]\n"));
    }

    @Test
    void seedsInBothPlacesAreAnError() {
        assertEquals(List.of("s.yaml:2:1: seeds: seeds are also given in defaults (line 4); keep one of them"),
                errors("name: x\nseeds: [0]\ndefaults:\n  seeds: [1]\n"));
    }

    @Test
    void aProblemSharedByManyCombinationsIsReportedOnce() {
        assertEquals(List.of("s.yaml:3:34: defaults.train.warmup: warmup (5) must be less than iterations (5); lower warmup or raise iterations"),
                errors("name: x\ndefaults:\n  train: {iterations: 5, warmup: 5}\nsweep:\n  sampler.shots: [1, 2, 3]\n"));
    }

    @Test
    void aDefaultsKeyWrittenAtTopLevelSaysWhereItBelongs() {
        assertEquals(List.of("s.yaml:2:1: sampler: 'sampler' is not a top-level key; move it under defaults: (or sweep it under sweep:)"),
                errors("name: x\nsampler: {ways: 5}\n"));
    }

    // ------------------------------------------------------------------ errors: the document

    @Test
    void missingFileIsAnInvalidSuite(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        InvalidSuiteException e = assertThrows(InvalidSuiteException.class, () -> SuiteLoader.load(file));
        assertEquals(List.of(file + ":1:1: (document): file not found; check the path"),
                e.errors().stream().map(SpecError::format).toList());
    }

    @Test
    void emptyFileIsAnInvalidSuite() {
        assertEquals(List.of("s.yaml:1:1: (document): the file is empty; a suite needs at least `name:` (see Suites in the README, or suites/quick.yaml)"),
                errors(""));
        assertEquals(1, errors("# just a comment\n").size());
    }

    @Test
    void yamlSyntaxErrorIsLocated() {
        assertEquals(List.of("s.yaml:3:16: (document): YAML syntax error: mapping values are not allowed here"),
                errors("name: x\ndefaults:\n  sampler: kind: fixed\n"));
    }

    @Test
    void topLevelMustBeAMap() {
        assertEquals(List.of("s.yaml:1:1: (document): expected a map of suite keys (name, description, timeout_s, seeds, defaults, sweep, tune), got a list"),
                errors("- name: x\n"));
    }

    @Test
    void emptySweepListIsAnError() {
        assertEquals(List.of("s.yaml:3:17: sweep.sampler.ways: the list of values is empty; give at least one value or remove the axis"),
                errors("name: x\nsweep:\n  sampler.ways: []\n"));
    }

    @Test
    void missingNameIsReportedAtTheStart() {
        assertEquals(List.of("s.yaml:1:1: name: missing; every suite needs a name, e.g. `name: tiny`"),
                errors("description: no name\n"));
    }

    @Test
    void duplicateYamlKeyIsAnError() {
        assertEquals(List.of("s.yaml:4:3: defaults.dataset: duplicate key; 'dataset' is already set at line 3 (remove one of them)"),
                errors("name: x\ndefaults:\n  dataset: glyphs\n  dataset: synthetic\n"));
    }

    @Test
    void everyProblemIsReportedInFileOrder() {
        List<String> errors = errors("""
                name: bad name
                defaults:
                  sampler: {wyas: 5}
                  algorithm: {name: mamll}
                sweep:
                  sampler.shots: [1, zero]
                  techniques.precision: [fp8]
                """);
        assertEquals(List.of(
                "s.yaml:1:7: name: expected a name of letters, digits, '.', '_' and '-', got 'bad name'",
                "s.yaml:3:13: defaults.sampler.wyas: unknown key 'wyas'; did you mean 'ways'?",
                "s.yaml:4:21: defaults.algorithm.name: unknown algorithm 'mamll'; did you mean 'maml'? (see `metascale list`)",
                "s.yaml:6:22: sweep.sampler.shots[1]: expected an integer, got 'zero'",
                "s.yaml:7:26: sweep.techniques.precision[0]: unknown precision 'fp8'; known: fp32, bf16, fp16 (see `metascale list`)"), errors);
    }

    @Test
    void exceptionMessageListsEveryErrorOnItsOwnLine() {
        InvalidSuiteException e = assertThrows(InvalidSuiteException.class,
                () -> parse("name: x\ndefaults:\n  sampler: {ways: 0, shots: 0}\n"));
        assertEquals("s.yaml:3:19: defaults.sampler.ways: must be >= 1, got 0\n"
                + "s.yaml:3:29: defaults.sampler.shots: must be >= 1, got 0", e.getMessage());
    }

    @Test
    void aSuiteThatCannotBeReadIsAnIoError(@TempDir Path dir) throws IOException {
        Path directory = Files.createDirectory(dir.resolve("suite.yaml"));
        assertThrows(IOException.class, () -> SuiteLoader.load(directory));
    }
}
