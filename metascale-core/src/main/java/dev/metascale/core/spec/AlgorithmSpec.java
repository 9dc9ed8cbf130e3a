package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.metascale.core.component.Components;
import dev.metascale.core.component.Hyperparameter;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A meta-learner or baseline and its hyperparameters.
 *
 * @param name            see {@link Catalog#ALGORITHMS}
 * @param innerLr         step size of the inner-loop (adaptation) SGD steps
 * @param innerSteps      inner-loop steps during meta-training
 * @param evalInnerSteps  inner-loop steps when adapting to a test episode
 * @param outerLr         Adam step size of the outer loop (or of the baseline's pre-training)
 * @param metaBatch       tasks per meta-iteration (for fine-tuning: the batch is the same number of
 *                        samples, drawn from the meta-train classes)
 * @param cgSteps         iMAML: conjugate-gradient steps of the implicit meta-gradient
 * @param imamlLambda     iMAML: strength λ of the proximal regulariser (λ/2)‖φ − θ‖²
 * @param loraRank        LoRA: rank r of the low-rank update
 * @param adapterSize     Adapter: bottleneck width
 * @param options         the hyperparameters a learner's descriptor declares beyond the keys above
 *                        ({@link Hyperparameter#defaultValue}), by key, those at their default left out; the map is left
 *                        out of the JSON, and so of the trial id, when empty
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AlgorithmSpec(String name, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, int metaBatch,
                            int cgSteps, double imamlLambda, int loraRank, int adapterSize,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> options) {
    public AlgorithmSpec {
        options = options == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(options));
    }

    public AlgorithmSpec(String name, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, int metaBatch,
                         int cgSteps, double imamlLambda, int loraRank, int adapterSize) {
        this(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, cgSteps, imamlLambda, loraRank, adapterSize, Map.of());
    }

    /**
     * A hyperparameter declared by a learner's descriptor beyond the fields of this record: its value, else its default.
     *
     * @throws IllegalArgumentException when no registered learner declares {@code key} with a default
     */
    public Number option(String key) {
        Object value = options.get(key);
        if (value != null) {
            return (Number) value;
        }
        return declared(key).map(Hyperparameter::defaultValue).orElseThrow(() -> new IllegalArgumentException(
                "no registered learner declares the hyperparameter '" + key + "' with a default (Hyperparameter.withDefault)"));
    }

    /** The first registered declaration of {@code key} that carries a default. */
    static Optional<Hyperparameter> declared(String key) {
        return Components.learners().stream().flatMap(l -> l.hyperparameters().stream())
                .filter(h -> h.key().equals(key) && h.defaultValue() != null).findFirst();
    }

    /** The common hyperparameters, the algorithm-specific ones at their defaults. */
    public AlgorithmSpec(String name, double innerLr, int innerSteps, int evalInnerSteps, double outerLr, int metaBatch) {
        this(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, 5, 1.0, 4, 16);
    }

    /** The same algorithm with another meta-batch size (e.g. the tasks of all ranks of a data-parallel step). */
    public AlgorithmSpec withMetaBatch(int tasks) {
        return new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, tasks, cgSteps, imamlLambda, loraRank, adapterSize,
                options);
    }

    /**
     * The value of the hyperparameter {@code key} ({@code inner_lr}, {@code cg_steps}, or a learner's own option):
     * what a tuning search reads and varies.
     */
    public Number value(String key) {
        return switch (key) {
            case "inner_lr" -> innerLr;
            case "inner_steps" -> innerSteps;
            case "eval_inner_steps" -> evalInnerSteps;
            case "outer_lr" -> outerLr;
            case "meta_batch" -> metaBatch;
            case "cg_steps" -> cgSteps;
            case "imaml_lambda" -> imamlLambda;
            case "lora_rank" -> loraRank;
            case "adapter_size" -> adapterSize;
            default -> option(key);
        };
    }

    /** The same algorithm with {@code key} set to {@code v} (a whole number for a count). */
    public AlgorithmSpec with(String key, Number v) {
        Map<String, Object> newOptions = new TreeMap<>(options);
        double d = v.doubleValue();
        int i = v.intValue();
        return switch (key) {
            case "inner_lr" -> new AlgorithmSpec(name, d, innerSteps, evalInnerSteps, outerLr, metaBatch, cgSteps, imamlLambda, loraRank, adapterSize, options);
            case "inner_steps" -> new AlgorithmSpec(name, innerLr, i, evalInnerSteps, outerLr, metaBatch, cgSteps, imamlLambda, loraRank, adapterSize, options);
            case "eval_inner_steps" -> new AlgorithmSpec(name, innerLr, innerSteps, i, outerLr, metaBatch, cgSteps, imamlLambda, loraRank, adapterSize, options);
            case "outer_lr" -> new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, d, metaBatch, cgSteps, imamlLambda, loraRank, adapterSize, options);
            case "meta_batch" -> new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, i, cgSteps, imamlLambda, loraRank, adapterSize, options);
            case "cg_steps" -> new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, i, imamlLambda, loraRank, adapterSize, options);
            case "imaml_lambda" -> new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, cgSteps, d, loraRank, adapterSize, options);
            case "lora_rank" -> new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, cgSteps, imamlLambda, i, adapterSize, options);
            case "adapter_size" -> new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, cgSteps, imamlLambda, loraRank, i, options);
            default -> {
                Hyperparameter declared = declared(key).orElseThrow(() -> new IllegalArgumentException(
                        "no registered learner declares the hyperparameter '" + key + "'"));
                Number typed = declared.integer() ? (Number) i : (Number) d;
                if (typed.equals(declared.defaultValue())) {
                    newOptions.remove(key);
                } else {
                    newOptions.put(key, typed);
                }
                yield new AlgorithmSpec(name, innerLr, innerSteps, evalInnerSteps, outerLr, metaBatch, cgSteps, imamlLambda, loraRank,
                        adapterSize, newOptions);
            }
        };
    }
}
