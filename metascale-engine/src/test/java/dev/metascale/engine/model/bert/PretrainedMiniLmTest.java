package dev.metascale.engine.model.bert;

import dev.metascale.core.spec.AlgorithmSpec;
import dev.metascale.core.spec.ModelSpec;

import dev.metascale.engine.data.FixedEpisodeSampler;
import dev.metascale.engine.data.Split;
import dev.metascale.engine.data.TextDataset;
import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.EpisodeLoader;
import dev.metascale.engine.learn.Learners;
import dev.metascale.engine.learn.MetaLearner;
import dev.metascale.engine.model.Adapters;
import dev.metascale.engine.model.LinearHead;
import dev.metascale.engine.model.Lora;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.model.Models;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The suite model {@code minilm}: pretrained start, frozen layers, adapters and LoRA on it, every learner on a small text task. */
class PretrainedMiniLmTest {

    /** Three topics to meta-train on, three others to test on; six short sentences each. */
    static TextDataset topics() {
        Map<String, List<String>> train = Map.of(
            "animals", List.of("the dog barked at the cat", "a horse galloped across the field", "the cow gave milk",
                "birds build nests in trees", "the lion hunts zebras", "a rabbit ate the carrot"),
            "food", List.of("she baked a loaf of bread", "the soup needs more salt", "we ate pasta for dinner",
                "fresh apples make a good pie", "he fried eggs and bacon", "rice is cooked in water"),
            "weather", List.of("it is raining heavily today", "snow covered the mountains", "a storm is coming tonight",
                "the sun is shining and warm", "strong winds blew all night", "fog made the road hard to see"));
        Map<String, List<String>> test = Map.of(
            "sports", List.of("the striker scored a goal", "she won the tennis match", "the team lost the basketball game",
                "he ran a marathon in three hours", "the goalkeeper saved a penalty", "they play football every sunday"),
            "music", List.of("she played the piano beautifully", "the band released a new album", "he sings in a choir",
                "the guitar solo was loud", "the orchestra performed a symphony", "they listened to jazz records"),
            "computers", List.of("the laptop needs more memory", "he wrote a program in java", "the server crashed last night",
                "install the software update", "the keyboard and mouse are wireless", "the database query was slow"));
        Map<Split, List<TextDataset.TextClass>> classes = new java.util.EnumMap<>(Split.class);
        classes.put(Split.TRAIN, train.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .map(e -> new TextDataset.TextClass(e.getKey(), e.getKey(), e.getValue())).toList());
        classes.put(Split.TEST, test.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .map(e -> new TextDataset.TextClass(e.getKey(), e.getKey(), e.getValue())).toList());
        return TextDataset.build("topics", "topics-1", "0", classes, null);
    }

    @Test
    void initStartsFromThePretrainedWeightsAndFrozenLayersAreLeftOut() {
        MiniLm minilm = PretrainedMiniLm.shared();
        PretrainedMiniLm full = new PretrainedMiniLm(0);
        ParamSet p = full.init(0, 5, torch.ScalarType.Float);
        assertEquals(minilm.params().size() + 2, p.size());
        Tensor word = p.get("embeddings.word_embeddings.weight");
        assertTrue(word.requires_grad() && word.is_leaf());
        assertTrue(torch.equal(word, minilm.params().get("embeddings.word_embeddings.weight")), "pretrained values");
        assertEquals(List.of(5L, 384L), List.of(p.get(LinearHead.WEIGHT).size(0), p.get(LinearHead.WEIGHT).size(1)));
        word.detach().add_(new org.bytedeco.pytorch.Scalar(1.0));
        assertFalse(torch.equal(word, minilm.params().get("embeddings.word_embeddings.weight")), "init returns copies");

        PretrainedMiniLm top2 = new PretrainedMiniLm(4);
        ParamSet q = top2.init(0, 0, torch.ScalarType.Float);
        assertFalse(q.has("embeddings.word_embeddings.weight"));
        assertFalse(q.has("encoder.layer.3.output.dense.weight"));
        assertTrue(q.has("encoder.layer.4.output.dense.weight") && q.has("encoder.layer.5.attention.self.query.bias"));
        assertEquals(2 * 16, q.size(), "16 parameters per layer, top two layers");
        assertEquals("minilm-l6-frozen4", top2.name());
        assertThrows(IllegalArgumentException.class, () -> new PretrainedMiniLm(6));
    }

    /** Back-propagation never reaches frozen layers: their products are out of the backward FLOPs. */
    @Test
    void frozenLayersHaveNoBackwardFlops() {
        PretrainedMiniLm full = new PretrainedMiniLm(0);
        PretrainedMiniLm top2 = new PretrainedMiniLm(4);
        BertEncoder encoder = PretrainedMiniLm.shared().encoder();
        long length = encoder.nominalLength();
        long forward = encoder.forwardFlops(8, 5).getAsLong();
        assertEquals(forward, full.forwardCost(8, 5).forward().total());
        assertEquals(forward, top2.forwardCost(8, 5).forward().total(), "frozen layers still run forward");
        assertEquals(2 * forward, full.forwardCost(8, 5).backward().matmul(), "everything trainable, embeddings included");
        long frozen = 4 * 8 * encoder.layerFlops(length);
        long qkv = 8 * encoder.inputProjectionFlops(length);
        assertEquals(2 * (forward - frozen) - qkv, top2.forwardCost(8, 5).backward().matmul());
        assertEquals(6 * (forward - frozen) - 4 * qkv, top2.forwardCost(8, 5).secondOrder().matmul());
        assertTrue(top2.forwardCost(8, 5).backward().matmul() < 0.4 * full.forwardCost(8, 5).backward().matmul());
    }

    @Test
    void featuresAreTheSentenceEmbeddingWhateverIsFrozen() {
        MiniLm minilm = PretrainedMiniLm.shared();
        List<String> texts = List.of("a dog runs in the park", "the stock market fell sharply");
        float[][] expected = minilm.embed(texts);
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor ids = minilm.tokenizer().encode(texts).idsTensor();
            for (int k : new int[]{0, 3, 5}) {
                PretrainedMiniLm model = new PretrainedMiniLm(k);
                double[] got = ArrayTensors.toDoubles(model.features(model.init(1, 0, torch.ScalarType.Float), ids));
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 384; j++) {
                        assertEquals(expected[i][j], got[i * 384 + j], 1e-5, "frozen " + k);
                    }
                }
            }
        }
    }

    @Test
    void adaptersAndLoraAtInitialisationLeaveTheEncoderUnchanged() {
        PretrainedMiniLm model = new PretrainedMiniLm(4);
        assertEquals(6, model.blocks().size(), "one adapter per Transformer layer");
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor ids = model.minilm().tokenizer().encode(List.of("hello world", "a longer sentence with more words in it")).idsTensor();
            ParamSet p = model.init(0, 3, torch.ScalarType.Float);
            Tensor base = model.logits(p, ids);
            Adapters adapters = new Adapters(model, 8);
            assertTrue(torch.allclose(base, adapters.logits(p.with(adapters.initAdapters(torch.ScalarType.Float)), ids), 1e-6, 1e-6, false));
            Lora lora = Lora.wrap(model, p, 4);
            assertEquals(2 * 6, lora.targets().size(), "the 6 weight matrices of each of the 2 trainable layers");
            assertTrue(torch.allclose(base, lora.logits(p.with(lora.initFactors(torch.ScalarType.Float)), ids), 1e-6, 1e-6, false));
            // A non-zero adapter up-projection does change the output: the hook is applied.
            ParamSet moved = adapters.initAdapters(torch.ScalarType.Float).map((n, t) -> n.endsWith("up.bias") ? t.add(new org.bytedeco.pytorch.Scalar(0.5)) : t);
            assertFalse(torch.allclose(base, adapters.logits(p.with(moved), ids), 1e-4, 1e-4, false));
        }
    }

    @Test
    void modelsCreatesMinilmForTokensOnlyAndImageModelsRefuseTokens() {
        TextDataset data = topics();
        assertEquals("minilm-l6-frozen5", Models.create(new ModelSpec("minilm", "", List.of(), 64, 5), data).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Models.create(new ModelSpec("conv4", "", List.of(), 64), data));
        assertTrue(e.getMessage().contains("reads images") && e.getMessage().contains("holds tokens"), e.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> Models.create(new ModelSpec("minilm", "", List.of(), 64),
            dev.metascale.engine.data.SyntheticDataset.create(0, 6, 2, 6, 5)));
        assertTrue(m.getMessage().contains("reads token sequences"), m.getMessage());
    }

    /**
     * Every learner and baseline runs on the pretrained MiniLM (top layer trainable) and classifies
     * held-out topics (sports, music, computers) far above the 1/3 of chance: one meta-step, then 3
     * test episodes of 3-way 1-shot with 2 queries each (kept this small because every forward pass
     * runs all 6 layers of the 22.7 M-parameter encoder).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name, inner_lr, inner_steps, eval_inner_steps, outer_lr
        "maml, 2.0, 1, 3, 0.0001",
        "fomaml, 2.0, 1, 3, 0.0001",
        "anil, 2.0, 1, 3, 0.0001",
        "protonet, 0.1, 1, 1, 0.0001",
        "finetune, 1.0, 1, 3, 0.0001",
        "linear-probe, 2.0, 1, 10, 0.0001",
        "lora, 2.0, 1, 3, 0.0001",
        "adapter, 2.0, 1, 3, 0.0001"})
    void everyLearnerBeatsChanceOnHeldOutTopics(String algorithm, double innerLr, int innerSteps, int evalSteps, double outerLr) {
        TextDataset data = topics();
        Model model = Models.create(new ModelSpec("minilm", "", List.of(), 64, 5), data);
        MetaLearner learner = Learners.create(new AlgorithmSpec(algorithm, innerLr, innerSteps, evalSteps, outerLr, 1, 3, 1.0, 4, 8),
            model, 3, data.classNames(Split.TRAIN).size(), 0, torch.ScalarType.Float);
        EpisodeLoader loader = new EpisodeLoader(data);
        FixedEpisodeSampler train = new FixedEpisodeSampler(data, Split.TRAIN, 3, 1, 2);
        FixedEpisodeSampler test = new FixedEpisodeSampler(data, Split.TEST, 3, 1, 2);
        for (int it = 0; it < 1; it++) {
            try (PointerScope scope = new PointerScope()) {
                learner.metaStep(List.of(loader.load(train.episode(0, it))));
            }
        }
        int correct = 0;
        int total = 0;
        for (int i = 0; i < 3; i++) {
            try (PointerScope scope = new PointerScope()) {
                Episode e = loader.load(test.episode(1000, i));
                long[] predicted = learner.adaptAndPredict(e);
                long[] truth = ArrayTensors.toLongs(e.queryY());
                for (int q = 0; q < truth.length; q++) {
                    correct += predicted[q] == truth[q] ? 1 : 0;
                    total++;
                }
            }
        }
        double accuracy = (double) correct / total;
        assertTrue(accuracy >= 0.7, algorithm + " should beat 1/3 chance clearly on held-out topics, got " + correct + "/" + total);
    }
}
