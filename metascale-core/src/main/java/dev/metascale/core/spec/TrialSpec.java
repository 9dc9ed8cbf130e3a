package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One fully resolved trial: a single configuration of the suite's grid with one seed. Every value
 * is concrete (defaults applied), so the record alone reproduces the trial.
 *
 * @param suite      name of the suite the trial came from (not part of the identity)
 * @param dataset    data set name, see {@link Catalog#DATASETS}
 * @param sampler    episode sampler
 * @param model      backbone
 * @param algorithm  meta-learner or baseline with its inner- and outer-loop hyperparameters
 * @param train      meta-training length
 * @param eval       test-episode pool
 * @param techniques scaling techniques
 * @param seed       seed of initialisation and training-episode sampling
 * @param timeoutS   wall-clock limit of the worker process (not part of the identity)
 * @param fault      fault injected into the worker to test the harness: none, throw, exit, hang, oom
 * @param dataSource which of the user's data it reads ({@link DataSource}); null (and absent from the JSON, so every
 *                   other trial's identity is unchanged) for data sets that install from packages
 * @param phase      {@link #TUNE} for a trial of a suite's hyperparameter search (it evaluates on validation episodes),
 *                   null for the suite's own trials; provenance only, not part of the identity
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"suite", "dataset", "sampler", "model", "algorithm", "train", "eval", "techniques", "seed", "timeout_s", "fault",
        "data_source", "phase"})
public record TrialSpec(
        String suite,
        String dataset,
        SamplerSpec sampler,
        ModelSpec model,
        AlgorithmSpec algorithm,
        TrainSpec train,
        EvalSpec eval,
        TechniqueSpec techniques,
        long seed,
        int timeoutS,
        String fault,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String dataSource,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String phase) {

    /** The phase of a tuning search's trials. */
    public static final String TUNE = "tune";

    /** A suite's own trial (no {@link #phase()}). */
    public TrialSpec(String suite, String dataset, SamplerSpec sampler, ModelSpec model, AlgorithmSpec algorithm, TrainSpec train,
                     EvalSpec eval, TechniqueSpec techniques, long seed, int timeoutS, String fault, String dataSource) {
        this(suite, dataset, sampler, model, algorithm, train, eval, techniques, seed, timeoutS, fault, dataSource, null);
    }

    /** A trial on data that installs from packages (no {@link #dataSource()}). */
    public TrialSpec(String suite, String dataset, SamplerSpec sampler, ModelSpec model, AlgorithmSpec algorithm, TrainSpec train,
                     EvalSpec eval, TechniqueSpec techniques, long seed, int timeoutS, String fault) {
        this(suite, dataset, sampler, model, algorithm, train, eval, techniques, seed, timeoutS, fault, null);
    }

    /**
     * Stable identity: the first 16 hex digits of SHA-256 over the canonical JSON of everything
     * that can change a measurement (the suite name, the timeout and the phase are left out).
     */
    @JsonIgnore
    public String id() {
        ObjectNode canonical = identity();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.MAPPER.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot hash trial spec", e);
        }
    }

    /** Identity of the configuration without the seed: trials that differ only by seed share it. */
    @JsonIgnore
    public String configId() {
        return withSeed(0).id();
    }

    /**
     * What the trial id hashes: the spec's JSON, keys sorted, without the suite's name and the worker timeout (which
     * do not change what a trial computes). A fresh copy.
     */
    @JsonIgnore
    public ObjectNode identity() {
        ObjectNode canonical = Json.canonical(Json.MAPPER.valueToTree(this));
        canonical.remove("suite");
        canonical.remove("timeout_s");
        canonical.remove("phase");
        return canonical;
    }

    /**
     * The default of a suite key such as {@code techniques.parallel_tasks}, as text: what a spec means where its
     * JSON leaves a default-valued field out ({@code offload}, {@code parallel_tasks}, {@code overlap_allreduce}).
     */
    public static java.util.Optional<String> defaultText(String path) {
        return Schema.field(suiteKey(path)).map(f -> String.valueOf(f.defaultValue()));
    }

    /**
     * The suite key of a path of the record's {@code spec}: the same, except that the settings of techniques without a
     * field ({@code techniques.options.vectorize_tasks}) are written in a suite as {@code techniques.vectorize_tasks}.
     */
    public static String suiteKey(String recordPath) {
        return recordPath.startsWith(OPTIONS_PREFIX) ? "techniques." + recordPath.substring(OPTIONS_PREFIX.length()) : recordPath;
    }

    private static final String OPTIONS_PREFIX = "techniques.options.";

    /** A short human label such as {@code maml conv4 5w1s}. */
    @JsonIgnore
    public String label() {
        return algorithm.name() + " " + model.label() + " " + sampler.label();
    }

    public TrialSpec withSeed(long newSeed) {
        return new TrialSpec(suite, dataset, sampler, model, algorithm, train, eval, techniques, newSeed, timeoutS, fault, dataSource, phase);
    }

    /** The same trial with other hyperparameters. */
    public TrialSpec withAlgorithm(AlgorithmSpec newAlgorithm) {
        return new TrialSpec(suite, dataset, sampler, model, newAlgorithm, train, eval, techniques, seed, timeoutS, fault, dataSource, phase);
    }

    /**
     * A trial of a tuning search: this configuration evaluated on {@code episodes} validation episodes drawn with
     * {@code evalSeed}, marked {@link #TUNE}.
     */
    public TrialSpec forTuning(int episodes, long evalSeed) {
        return new TrialSpec(suite, dataset, sampler, model, algorithm, train, eval.onValidation(episodes, evalSeed), techniques, seed,
                timeoutS, fault, dataSource, TUNE);
    }

    /** Whether it belongs to a tuning search. */
    @JsonIgnore
    public boolean isTuning() {
        return TUNE.equals(phase);
    }

    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    public static TrialSpec fromJson(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return Json.MAPPER.treeToValue(node, TrialSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a trial spec: " + e.getOriginalMessage(), e);
        }
    }
}
