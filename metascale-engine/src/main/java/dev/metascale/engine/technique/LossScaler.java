package dev.metascale.engine.technique;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic loss scaling for float16 training (Micikevicius et al., "Mixed Precision Training", ICLR 2018, §3.2; the
 * policy of {@code torch.amp.GradScaler}). Float16 flushes gradients below 2^-24 to zero; back-propagating
 * S·L instead of L moves them into range, and dividing by S before the update restores their value:
 * <pre>  g = (1/S) ∇(S·L)                      (exact in real arithmetic)
 *  if every g is finite:  θ ← update(θ, g);  after N finite steps in a row, S ← S·growth
 *  else:                  skip the step;     S ← S·backoff</pre>
 * S starts at 2^16, growth 2, backoff 1/2, N = 2000 (GradScaler's defaults).
 *
 * <p>Meta-learning has a second place where gradients are formed: the inner loop. Every inner gradient is taken of
 * S·L^{support} and divided by S before the inner step ({@link #innerGradient}) — differentiably, so MAML's
 * second-order meta-gradient goes back through the same scaled graph. An inner gradient that overflows makes the fast
 * weights, the query loss and so the meta-gradient non-finite, and the outer step is skipped as above. The evaluation's
 * inner loop uses the scale training reached (it takes no outer step, so it neither skips nor changes the scale).
 *
 * <p>Like libtorch's autocast state, the scaler in force belongs to the thread that entered the precision region
 * ({@link Precision#enter}): {@link #current()} is the identity scaler (S = 1, nothing ever skipped) outside an fp16
 * region.
 */
public final class LossScaler {
    /** GradScaler's defaults. */
    public static final double INIT_SCALE = 65536.0;
    public static final double GROWTH_FACTOR = 2.0;
    public static final double BACKOFF_FACTOR = 0.5;
    public static final int GROWTH_INTERVAL = 2000;

    /** No scaling: fp32 and bf16 (bfloat16 has float32's exponent range). */
    public static final LossScaler IDENTITY = new LossScaler(1.0, 1.0, 1.0, Integer.MAX_VALUE, false);

    private static final ThreadLocal<LossScaler> CURRENT = ThreadLocal.withInitial(() -> IDENTITY);

    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private final boolean dynamic;
    private final double initScale;
    private double scale;
    private int finiteInARow;
    private int steps;
    private int skipped;
    private int growths;
    private int backoffs;
    /** (step, scale after it) at every change of the scale: the scale history. */
    private final List<double[]> changes = new ArrayList<>();
    private final List<Integer> skippedSteps = new ArrayList<>();

    private LossScaler(double initScale, double growthFactor, double backoffFactor, int growthInterval, boolean dynamic) {
        if (!(initScale > 0) || !(growthFactor >= 1) || !(backoffFactor > 0 && backoffFactor <= 1) || growthInterval < 1) {
            throw new IllegalArgumentException("loss scaling needs init_scale > 0, growth >= 1, 0 < backoff <= 1 and an interval"
                    + " >= 1; got " + initScale + ", " + growthFactor + ", " + backoffFactor + ", " + growthInterval);
        }
        this.initScale = initScale;
        this.scale = initScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
        this.dynamic = dynamic;
    }

    /** A dynamic scaler with GradScaler's defaults. */
    public static LossScaler dynamic() {
        return dynamic(INIT_SCALE, GROWTH_FACTOR, BACKOFF_FACTOR, GROWTH_INTERVAL);
    }

    public static LossScaler dynamic(double initScale, double growthFactor, double backoffFactor, int growthInterval) {
        return new LossScaler(initScale, growthFactor, backoffFactor, growthInterval, true);
    }

    /** The scaler in force on this thread: the identity outside an fp16 region. */
    public static LossScaler current() {
        return CURRENT.get();
    }

    /** Makes {@code scaler} this thread's until the returned handle closes (the previous one back then). */
    static Installed install(LossScaler scaler) {
        LossScaler previous = CURRENT.get();
        CURRENT.set(scaler);
        return () -> CURRENT.set(previous);
    }

    /** The handle of an installed scaler: closing it puts the previous one back. */
    interface Installed extends AutoCloseable {
        @Override
        void close();
    }

    public boolean active() {
        return dynamic;
    }

    public double scale() {
        return scale;
    }

    /** S·loss, the loss to back-propagate; the loss itself when not scaling. */
    public Tensor scaled(Tensor loss) {
        return dynamic ? loss.mul(new Scalar(scale)) : loss;
    }

    /**
     * ∇_w loss for every tensor of {@code w}, taken of S·loss and divided by S (see the class comment); with
     * {@code createGraph} the result stays differentiable (MAML's second order). Undefined gradients (a tensor the loss
     * does not read) come back undefined.
     */
    public List<Tensor> innerGradient(Tensor loss, TensorVector w, boolean createGraph, boolean allowUnused) {
        List<Tensor> g = scaledGradient(loss, w, createGraph, allowUnused);
        if (!dynamic) {
            return g;
        }
        Scalar inverse = new Scalar(1.0 / scale);
        return g.stream().map(gi -> gi.defined() ? gi.mul(inverse) : gi).toList();
    }

    /** ∇_w (S·loss), differentiable, not divided by S: for a step that folds 1/S into its learning rate. */
    public List<Tensor> innerGradientScaled(Tensor loss, TensorVector w) {
        return scaledGradient(loss, w, true, false);
    }

    /** ∇_w (S·loss), one handle per tensor of w (undefined where the loss does not read it and {@code allowUnused}). */
    private List<Tensor> scaledGradient(Tensor loss, TensorVector w, boolean createGraph, boolean allowUnused) {
        TensorVector g = torch.grad(new TensorVector(scaled(loss)), w, new TensorVector(),
                new org.bytedeco.pytorch.BoolOptional(createGraph), createGraph, allowUnused);
        List<Tensor> out = new ArrayList<>((int) w.size());
        for (int i = 0; i < w.size(); i++) {
            out.add(new Tensor(g.get(i)));
        }
        java.lang.ref.Reference.reachabilityFence(g);
        return out;
    }

    /**
     * The outer step's check: divides every accumulated gradient (S·∇L) by S in place and says whether all are
     * finite, updating the scale by the policy. The caller skips the step when this returns false. The identity
     * scaler checks nothing and returns true.
     */
    public boolean unscaleAndUpdate(List<Tensor> params) {
        if (!dynamic) {
            return true;
        }
        boolean finite = true;
        try (NoGradGuard guard = new NoGradGuard()) {
            Scalar inverse = new Scalar(1.0 / scale);
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (!g.defined()) {
                    continue;
                }
                g.mul_(inverse);
                if (finite && !torch.isfinite(g).all().item_bool()) {
                    finite = false;
                }
            }
        }
        update(finite);
        return finite;
    }

    /** The policy's update after a step whose gradients were {@code finite} or not. */
    void update(boolean finite) {
        steps++;
        if (finite) {
            if (++finiteInARow >= growthInterval) {
                finiteInARow = 0;
                scale *= growthFactor;
                growths++;
                changes.add(new double[]{steps, scale});
            }
            return;
        }
        skipped++;
        skippedSteps.add(steps);
        finiteInARow = 0;
        scale *= backoffFactor;
        backoffs++;
        changes.add(new double[]{steps, scale});
    }

    public int skipped() {
        return skipped;
    }

    public int steps() {
        return steps;
    }

    /** What the record says ({@code env.precision_policy.loss_scaling}). */
    public ObjectNode describe() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("kind", "dynamic");
        out.put("init_scale", initScale);
        out.put("growth_factor", growthFactor);
        out.put("backoff_factor", backoffFactor);
        out.put("growth_interval", growthInterval);
        out.put("final_scale", scale);
        out.put("outer_steps", steps);
        out.put("skipped_steps", skipped);
        out.put("growths", growths);
        out.put("backoffs", backoffs);
        ArrayNode skippedAt = out.putArray("skipped_at_step");
        skippedSteps.forEach(skippedAt::add);
        ArrayNode history = out.putArray("scale_history");
        for (double[] c : changes) {
            history.addObject().put("after_step", (int) c[0]).put("scale", c[1]);
        }
        out.put("inner_loop", "every inner gradient taken of S*L_support and divided by S (differentiably)");
        return out;
    }
}
