# lit configuration for meldc's regression tests.
#
# Substitutions:
#   %meldc         the meldc binary under test
#   %wasm-bytes    test/tools/wasm-bytes.py: a readable byte description -> binary
#   %wasm-tools    node test/tools/wasm-tools.mjs (jco's wasm-tools: parse/print, components)
#   %node          Node 24 (node_modules/.bin/node)
#   %testsuites    ../shared/testsuites (tests needing it are UNSUPPORTED when it is absent)
# FileCheck, not, count and split-file come from LLVM 19; wat2wasm, wasm-validate, wasm2wat
# from wabt.
import os
import lit.formats

config.name = 'meldc'
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = ['.wat', '.test', '.txt']
config.excludes = ['Inputs', 'lit.cfg.py', 'lit.site.cfg.py']
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.meldc_obj_root, 'test', 'lit')

config.environment['PATH'] = os.pathsep.join(
    [config.llvm_tools_dir, os.path.dirname(config.meldc_path), config.environment.get('PATH', os.environ.get('PATH', ''))])

tools = os.path.join(config.meldc_src_root, 'test', 'tools')
config.substitutions.append(('%meldc', config.meldc_path))
config.substitutions.append(('%wasm-bytes', '%s %s' % (config.python_executable, os.path.join(tools, 'wasm-bytes.py'))))
config.substitutions.append(('%wasm-tools', '%s %s' % (config.node_path, os.path.join(tools, 'wasm-tools.mjs'))))
config.substitutions.append(('%node', config.node_path))
config.substitutions.append(('%testsuites', config.testsuites_dir))

if os.path.isdir(config.testsuites_dir):
    config.available_features.add('testsuites')
if os.path.exists(config.node_path):
    config.available_features.add('node')
