package dev.metascale.engine.learn;

import dev.metascale.engine.model.Model;
import dev.metascale.engine.torch.ParamSet;

/**
 * First-order MAML.
 *
 * <p>Finn, Abbeel and Levine, ICML 2017, sec. 5.2: the meta-gradient of {@link Maml} with the
 * second-order terms dropped. The inner loop is the same,
 * <pre>  θ' = θ − α Σ_s g_s,   g_s = ∇ L^{support}(f_{θ'_s}) treated as a constant,</pre>
 * so ∂θ'/∂θ = I and the meta-gradient is the query-loss gradient at the adapted parameters:
 * <pre>  θ ← Adam(θ, (1/B) Σ_i ∇_{θ'_i} L^{query}_{T_i}(f_{θ'_i}))</pre>
 * No graph of the inner steps is kept: memory does not grow with the number of inner steps.
 */
public final class FoMaml extends Maml {
    public FoMaml(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr) {
        super(model, params, innerLr, innerSteps, evalInnerSteps, outerLr, true);
    }

    public FoMaml(Model model, ParamSet params, double innerLr, int innerSteps, int evalInnerSteps, double outerLr,
                  dev.metascale.engine.technique.TrainingTechniques techniques) {
        super(model, params, innerLr, innerSteps, evalInnerSteps, outerLr, true, techniques);
    }
}
