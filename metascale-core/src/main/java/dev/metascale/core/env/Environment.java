package dev.metascale.core.env;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.result.Json;

/** PLACEHOLDER (replaced by the cli branch). */
public final class Environment {
    private Environment() {
    }

    public static ObjectNode capture() {
        return Json.MAPPER.createObjectNode();
    }
}
