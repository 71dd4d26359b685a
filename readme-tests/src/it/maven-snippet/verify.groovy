// The new project compiled with the processor (the demo calls generated withers), ran with the
// README's backend and SLF4J binding, and took its options.
def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('README snippet: 4 leaves, first at .hidden.kernel, activation tanh, options [--from, the README]') :
    'the demo did not print what it should; see build.log'
assert !log.contains('StaticLoggerBinder') : 'SLF4J found no binding'
assert !log.contains('[PyTree') : 'the processor reported something on the README records'
assert new File(basedir, 'target/generated-sources/annotations/readme/MlpPyTree.java').isFile()
return true
