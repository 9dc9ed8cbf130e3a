package dev.metascale.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerLawFitTest {
    @Test
    void recoversAKnownExponentAndCoefficient() {
        double[] x = {1e4, 3e4, 1e5, 3e5, 1e6};
        double[] y = new double[x.length];
        double[] noise = {1.02, 0.97, 1.01, 0.99, 1.015};
        for (int i = 0; i < x.length; i++) {
            y[i] = 0.003 * Math.pow(x[i], 0.75) * noise[i];
        }
        PowerLawFit fit = PowerLawFit.fit(x, y);
        assertEquals(0.75, fit.exponent(), 0.01);
        assertEquals(0.003, fit.coefficient(), 0.0005);
        assertTrue(fit.exponentCi95() > 0 && fit.exponentCi95() < 0.05, "a tight interval: " + fit.exponentCi95());
        assertTrue(Math.abs(fit.exponent() - 0.75) < fit.exponentCi95(), "the interval covers the truth");
        assertTrue(fit.rSquared() > 0.99);
        double at = 1e7;
        assertEquals(0.003 * Math.pow(at, 0.75), fit.predict(at), 0.05 * fit.predict(at));
        assertTrue(fit.predictionFactor(at) > fit.predictionFactor(1e5), "the interval widens away from the data");
        assertEquals(10, fit.extrapolationRatio(at), 1e-9);
    }

    @Test
    void anExactLawThroughTwoPointsHasNoInterval() {
        PowerLawFit fit = PowerLawFit.fit(new double[]{2, 8}, new double[]{4, 64});
        assertEquals(2, fit.exponent(), 1e-12);
        assertTrue(Double.isNaN(fit.exponentCi95()));
        assertTrue(Double.isNaN(fit.predictionFactor(100)));
    }

    @Test
    void oneSizeCannotBeFittedAndTheMessageSaysWhatToSweep() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowerLawFit.fit(new double[]{5, 5}, new double[]{1, 2}));
        assertTrue(e.getMessage().contains("sweep"), e.getMessage());
    }
}
