package io.jstore.linux.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.opentest4j.TestAbortedException;

/**
 * Supplies {@link ScratchFilesystem} parameters marked {@link Scratch} (registered by the
 * annotation itself). The filesystems are made in the callbacks that run before the
 * parameters are resolved, because JUnit reports an exception from a resolver as a failure
 * while one from a callback lets "not root" or "no mkfs.xfs" skip the test. Each one is
 * closed by JUnit when the context that made it ends (the test method, or the class for a
 * constructor parameter), also when the test fails.
 */
public final class ScratchFsExtension implements ParameterResolver, BeforeEachCallback, TestInstancePreConstructCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ScratchFsExtension.class);

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factory, ExtensionContext context) throws Exception {
        for (Constructor<?> c : factory.getTestClass().getDeclaredConstructors()) prepare(c, context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        prepare(context.getRequiredTestMethod(), context);
    }

    private static void prepare(Executable executable, ExtensionContext context) throws Exception {
        context.getRoot().getStore(NS).getOrComputeIfAbsent(LeftoverCheck.class, k -> new LeftoverCheck());
        Parameter[] params = executable.getParameters();
        for (int i = 0; i < params.length; i++) {
            if (!wanted(params[i])) continue;
            Key key = new Key(executable, i);
            if (context.getStore(NS).get(key) != null) continue;
            Scratch s = params[i].getAnnotation(Scratch.class);
            try {
                ScratchFilesystem fs = ScratchFilesystem.create(s.type(), s.sizeMiB() << 20);
                context.getStore(NS).put(key, new Held(fs));
            } catch (TestAbortedException e) {
                // surefire's console shows only a count of skipped tests; say why here
                System.err.println("SKIPPED " + context.getDisplayName() + " [" + s.type() + "]: " + e.getMessage());
                throw e;
            }
        }
    }

    private static boolean wanted(Parameter p) {
        return p.getType() == ScratchFilesystem.class && p.isAnnotationPresent(Scratch.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return wanted(parameter.getParameter());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Key key = new Key(parameter.getDeclaringExecutable(), parameter.getIndex());
        Held held = context.getStore(NS).get(key, Held.class);
        if (held != null) return held.fs;
        // Lifecycle methods (@BeforeEach…) get no callback first: make it here; a skip
        // reason then shows as a resolution failure, which is the best JUnit allows.
        Scratch s = parameter.findAnnotation(Scratch.class).orElseThrow();
        try {
            ScratchFilesystem fs = ScratchFilesystem.create(s.type(), s.sizeMiB() << 20);
            context.getStore(NS).put(key, new Held(fs));
            return fs;
        } catch (Exception e) {
            throw new ParameterResolutionException("cannot make " + s.type() + " scratch filesystem: " + e, e);
        }
    }

    private record Key(Executable executable, int index) {
        @Override
        public String toString() {
            return executable + "#" + index + " " + Arrays.toString(executable.getParameterTypes());
        }
    }

    private record Held(ScratchFilesystem fs) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Throwable {
            fs.close();
        }
    }
}
