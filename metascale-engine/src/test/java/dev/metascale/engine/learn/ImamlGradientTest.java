package dev.metascale.engine.learn;

import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * iMAML's meta-gradient against the closed form of a ridge-regression inner problem: with
 * L_s(φ) = ‖X_s φ − y_s‖²/(2n), the inner solution is φ* = (A + λI)^{-1}(b + λθ) (A = X_sᵀX_s/n,
 * b = X_sᵀy_s/n), so the Jacobian of φ* in θ is λ(A + λI)^{-1} and the exact meta-gradient is
 * λ(A + λI)^{-1} X_qᵀ(X_q φ* − y_q)/m. The model is w·x + c (two parameter tensors).
 */
class ImamlGradientTest {
    private static final int D = 3;
    private static final int N = 8;
    private static final int M = 12;
    private static final double LAMBDA = 0.7;

    @BeforeAll
    static void setUp() {
        TorchRuntime.configure(1);
    }

    @Test
    void implicitGradientMatchesClosedFormOfRidgeInnerProblem() {
        try (PointerScope scope = new PointerScope()) {
            Random rnd = new Random(5);
            double[][] xs = matrix(rnd, N);
            double[] ys = vector(rnd, N);
            double[][] xq = matrix(rnd, M);
            double[] yq = vector(rnd, M);
            double[] theta = {0.3, -0.2, 0.5, 0.1};   // w (3) then c

            ParamSet params = new ParamSet(List.of("w", "c"),
                    List.of(leaf(new double[]{theta[0], theta[1], theta[2]}, D), leaf(new double[]{theta[3]}, 1)));
            Tensor sx = tensor(xs);
            Tensor sy = tensor(ys);
            Tensor qx = tensor(xq);
            Tensor qy = tensor(yq);
            // 400 steps of size 0.3 contract the error by max|1 − 0.3(λ + μ)| ≤ 0.85 each: converged to double precision.
            Imaml.Settings settings = new Imaml.Settings(0.3, 400, LAMBDA, 10);
            Imaml.TaskGradient g = Imaml.implicitGradient(params, p -> squaredLoss(p, sx, sy), p -> squaredLoss(p, qx, qy), settings);
            double[] analytic = new double[D + 1];
            double[] w = ArrayTensors.toDoubles(g.gradient().get(0));
            System.arraycopy(w, 0, analytic, 0, D);
            analytic[D] = ArrayTensors.toDoubles(g.gradient().get(1))[0];

            double[] exact = closedForm(xs, ys, xq, yq, theta);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i <= D; i++) {
                diff += (analytic[i] - exact[i]) * (analytic[i] - exact[i]);
                norm += exact[i] * exact[i];
            }
            double error = Math.sqrt(diff / norm);
            assertTrue(norm > 1e-4, "the test problem must have a non-trivial meta-gradient");
            assertTrue(error < 1e-3, "relative error of iMAML's meta-gradient vs the closed form: " + error);
        }
    }

    @Test
    void oneConjugateGradientStepIsNotEnoughHere() {
        // Guards the test above against passing trivially: with one CG step the solve is inexact.
        try (PointerScope scope = new PointerScope()) {
            Random rnd = new Random(5);
            double[][] xs = matrix(rnd, N);
            double[] ys = vector(rnd, N);
            double[][] xq = matrix(rnd, M);
            double[] yq = vector(rnd, M);
            double[] theta = {0.3, -0.2, 0.5, 0.1};
            ParamSet params = new ParamSet(List.of("w", "c"),
                    List.of(leaf(new double[]{theta[0], theta[1], theta[2]}, D), leaf(new double[]{theta[3]}, 1)));
            Tensor sx = tensor(xs);
            Tensor sy = tensor(ys);
            Tensor qx = tensor(xq);
            Tensor qy = tensor(yq);
            Imaml.TaskGradient g = Imaml.implicitGradient(params, p -> squaredLoss(p, sx, sy), p -> squaredLoss(p, qx, qy),
                    new Imaml.Settings(0.3, 400, LAMBDA, 1));
            double[] exact = closedForm(xs, ys, xq, yq, theta);
            double[] w = ArrayTensors.toDoubles(g.gradient().get(0));
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < D; i++) {
                diff += (w[i] - exact[i]) * (w[i] - exact[i]);
                norm += exact[i] * exact[i];
            }
            assertTrue(Math.sqrt(diff / norm) > 1e-3, "one CG step should not solve a 4-dimensional system exactly");
        }
    }

    /**
     * Beyond the quadratic: logistic regression, whose Hessian changes with φ, so the conjugate-gradient solve must use
     * the Hessian at the adapted φ*(θ). iMAML's meta-objective is L_q(φ*(θ)) with φ*(θ) = argmin L_s(φ) + λ/2‖φ − θ‖²;
     * its gradient is checked coordinate by coordinate against central finite differences of that objective, each
     * side re-solving the inner problem to convergence (float64).
     */
    @Test
    void implicitGradientMatchesFiniteDifferencesOfALogisticInnerProblem() {
        try (PointerScope scope = new PointerScope()) {
            Random rnd = new Random(11);
            Tensor sx = tensor(matrix(rnd, N)).mul(new Scalar(1.5));
            Tensor sy = tensor(labels(rnd, N));
            Tensor qx = tensor(matrix(rnd, M)).mul(new Scalar(1.5));
            Tensor qy = tensor(labels(rnd, M));
            double[] theta = {0.8, -0.6, 0.4, -0.3};
            // the logistic Hessian is at most ‖x‖²/4 per example: step 0.3 contracts by ≤ 1 − 0.3 λ = 0.79, 600 steps converge
            Imaml.Settings settings = new Imaml.Settings(0.3, 600, LAMBDA, 20);
            Imaml.TaskGradient g = Imaml.implicitGradient(logisticParams(theta), p -> logisticLoss(p, sx, sy),
                    p -> logisticLoss(p, qx, qy), settings);
            double[] implicit = new double[D + 1];
            System.arraycopy(ArrayTensors.toDoubles(g.gradient().get(0)), 0, implicit, 0, D);
            implicit[D] = ArrayTensors.toDoubles(g.gradient().get(1))[0];

            double eps = 1e-5;
            double[] finite = new double[D + 1];
            for (int i = 0; i <= D; i++) {
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[i] += eps;
                down[i] -= eps;
                double lUp = Imaml.implicitGradient(logisticParams(up), p -> logisticLoss(p, sx, sy), p -> logisticLoss(p, qx, qy), settings).queryLoss();
                double lDown = Imaml.implicitGradient(logisticParams(down), p -> logisticLoss(p, sx, sy), p -> logisticLoss(p, qx, qy), settings).queryLoss();
                finite[i] = (lUp - lDown) / (2 * eps);
            }
            double diff = 0;
            double norm = 0;
            for (int i = 0; i <= D; i++) {
                diff += (implicit[i] - finite[i]) * (implicit[i] - finite[i]);
                norm += finite[i] * finite[i];
            }
            assertTrue(norm > 1e-4, "the test problem must have a non-trivial meta-gradient: " + java.util.Arrays.toString(finite));
            double error = Math.sqrt(diff / norm);
            assertTrue(error < 1e-5, "relative error of iMAML's implicit gradient vs finite differences: " + error
                    + " (implicit " + java.util.Arrays.toString(implicit) + ", finite " + java.util.Arrays.toString(finite) + ")");
            // and it is not the first-order answer ∇L_q(φ*): the (I + H/λ)⁻¹ correction matters on this problem
            ParamSet phi = Imaml.proximalAdapt(logisticParams(theta), p -> logisticLoss(p, sx, sy), 0.3, 600, LAMBDA);
            List<Tensor> firstOrder = InnerSgd.gradients(logisticLoss(phi, qx, qy), phi, false);
            double[] fo = new double[D + 1];
            System.arraycopy(ArrayTensors.toDoubles(firstOrder.get(0)), 0, fo, 0, D);
            fo[D] = ArrayTensors.toDoubles(firstOrder.get(1))[0];
            double foDiff = 0;
            for (int i = 0; i <= D; i++) {
                foDiff += (fo[i] - finite[i]) * (fo[i] - finite[i]);
            }
            assertTrue(Math.sqrt(foDiff / norm) > 100 * error, "the first-order gradient must be measurably worse here: "
                    + Math.sqrt(foDiff / norm) + " vs " + error);
        }
    }

    private static ParamSet logisticParams(double[] theta) {
        return new ParamSet(List.of("w", "c"), List.of(leaf(new double[]{theta[0], theta[1], theta[2]}, D), leaf(new double[]{theta[3]}, 1)));
    }

    /** Mean binary cross-entropy of the logits x·w + c against 0/1 labels: log(1 + e^z) − y z. */
    private static Tensor logisticLoss(ParamSet p, Tensor x, Tensor y) {
        Tensor z = x.matmul(p.get("w")).add(p.get("c"));
        return z.exp().log1p().sub(y.mul(z)).mean();
    }

    private static double[] labels(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextBoolean() ? 1 : 0;
        }
        return v;
    }

    private static Tensor squaredLoss(ParamSet p, Tensor x, Tensor y) {
        Tensor r = x.matmul(p.get("w")).add(p.get("c")).sub(y);
        return r.mul(r).mean().mul(new Scalar(0.5));
    }

    /** λ(A + λI)^{-1} X_qᵀ(X_q φ* − y_q)/m with φ* = (A + λI)^{-1}(b + λθ), on features augmented with 1. */
    private static double[] closedForm(double[][] xs, double[] ys, double[][] xq, double[] yq, double[] theta) {
        int k = D + 1;
        double[][] a = new double[k][k];
        double[] b = new double[k];
        for (int n = 0; n < N; n++) {
            double[] x = augmented(xs[n]);
            for (int i = 0; i < k; i++) {
                b[i] += x[i] * ys[n] / N;
                for (int j = 0; j < k; j++) {
                    a[i][j] += x[i] * x[j] / N;
                }
            }
        }
        for (int i = 0; i < k; i++) {
            a[i][i] += LAMBDA;
            b[i] += LAMBDA * theta[i];
        }
        double[] phi = solve(a, b);
        double[] gq = new double[k];
        for (int n = 0; n < M; n++) {
            double[] x = augmented(xq[n]);
            double r = -yq[n];
            for (int i = 0; i < k; i++) {
                r += x[i] * phi[i];
            }
            for (int i = 0; i < k; i++) {
                gq[i] += x[i] * r / M;
            }
        }
        double[] g = solve(a, gq);
        for (int i = 0; i < k; i++) {
            g[i] *= LAMBDA;
        }
        return g;
    }

    private static double[] augmented(double[] x) {
        double[] out = new double[D + 1];
        System.arraycopy(x, 0, out, 0, D);
        out[D] = 1;
        return out;
    }

    /** Gaussian elimination with partial pivoting (copies its inputs). */
    private static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] row = a[c];
            a[c] = a[pivot];
            a[pivot] = row;
            double t = b[c];
            b[c] = b[pivot];
            b[pivot] = t;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int j = c; j < n; j++) {
                    a[r][j] -= f * a[c][j];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int j = r + 1; j < n; j++) {
                s -= a[r][j] * x[j];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    private static double[][] matrix(Random rnd, int rows) {
        double[][] m = new double[rows][D];
        for (double[] row : m) {
            for (int j = 0; j < D; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return m;
    }

    private static double[] vector(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private static Tensor tensor(double[][] m) {
        double[] flat = new double[m.length * D];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, flat, i * D, D);
        }
        return tensor(flat).reshape(m.length, D);
    }

    private static Tensor tensor(double[] v) {
        Tensor t = torch.zeros(new long[]{v.length}, new TensorOptions(torch.ScalarType.Double));
        for (int i = 0; i < v.length; i++) {
            t.get(i).fill_(new Scalar(v[i]));
        }
        return t;
    }

    private static Tensor leaf(double[] v, int n) {
        Tensor t = tensor(v).reshape(n);
        t.requires_grad_(true);
        return t;
    }
}
