package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuiltinExecutorTest extends ExecutorContract {
    @Override
    Executor executor() {
        return new BuiltinExecutor();
    }

    @Test
    void aMissingCommandFailsTheStartWith127() throws Exception {
        StartException e = assertThrows(StartException.class, () -> run(RunOptions.of("no-such-command")));
        assertEquals(127, e.exitCode());
        assertTrue(e.getMessage().contains("no-such-command"), e.getMessage());
    }

    /** Whatever the JVM's starter ignored (a service started with & by a script ignores SIGINT and SIGQUIT), the command handles. */
    @Test
    void theCommandStartsWithNoSignalIgnored() throws Exception {
        Runs.Result r = run(sh("exec grep SigIgn /proc/self/status"));
        assertEquals("SigIgn:\t0000000000000000\n", r.out(), r.err());
    }

    @Test
    void theOomKillIsReported() throws Exception {
        Runs.Result r = run(RunOptions.of("dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1").withMemory(64L << 20));
        assertEquals(137, r.code());
        assertTrue(r.oomKilled());
        assertTrue(!run(sh("exit 137")).oomKilled(), "an exit code of 137 is no OOM kill");
    }

    @Test
    void aTerminalIsAPtyOfTheContainersOwnDevpts() throws Exception {
        Runs.Result r = run(sh("tty; test -t 1 && echo out-is-tty; ls -l /dev/console | cut -c1; exit 5").withTerminal(true));
        // the pty's line discipline turns \n into \r\n on the way out
        assertEquals("/dev/pts/0\r\nout-is-tty\r\nc\r\n", r.out(), r.err());
        assertEquals(5, r.code());
    }
}
