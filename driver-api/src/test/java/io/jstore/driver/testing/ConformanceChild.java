package io.jstore.driver.testing;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The second process of the conformance suite: opens the driver on the same home and runs
 * one command per stdin line — {@code get ID}, {@code getDetached ID}, {@code put ID}, {@code create ID PARENT},
 * {@code exit} — answering {@code ok [RESULT]} or {@code err MESSAGE}, until killed or told to exit.
 */
public final class ConformanceChild {
    private ConformanceChild() {}

    public static void main(String[] args) throws Exception {
        DriverProvider provider = (DriverProvider) Class.forName(args[0]).getConstructor().newInstance();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Driver d = provider.open(Path.of(args[1]), Map.of())) {
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.trim().split(" ");
                try {
                    switch (w[0]) {
                        case "get" -> out.println("ok " + d.get(w[1]));
                        case "getDetached" -> out.println("ok " + d.getDetached(w[1]));
                        case "put" -> {
                            d.put(w[1]);
                            out.println("ok");
                        }
                        case "create" -> {
                            d.create(w[1], w.length > 2 ? w[2] : null, null);
                            out.println("ok");
                        }
                        case "exit" -> {
                            out.println("ok");
                            return;
                        }
                        default -> out.println("err unknown command " + w[0]);
                    }
                } catch (Exception e) {
                    out.println("err " + e);
                }
            }
        }
    }
}
