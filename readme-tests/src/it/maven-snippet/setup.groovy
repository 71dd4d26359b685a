// Writes pom.xml: a new project's pom holding the README's Maven snippet, taken from README.md
// itself, so that a README that drifts fails the build.
def readmeText = new File(readme).getText('UTF-8')
def section = readmeText.indexOf('## Enabling the processor in your project')
if (section < 0) {
  throw new IllegalStateException("README.md has no section '## Enabling the processor in your project'")
}
def start = readmeText.indexOf('```xml\n', section)
if (start < 0) {
  throw new IllegalStateException("README.md's section 'Enabling the processor in your project' has no xml block")
}
start += '```xml\n'.length()
def end = readmeText.indexOf('\n```', start)
def snippet = readmeText.substring(start, end)
def pom = new File(basedir, 'pom.xml')
pom.setText("""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>readme</groupId>
  <artifactId>readme-snippet</artifactId>
  <version>1.0</version>

${snippet.readLines().collect { it.isEmpty() ? it : '  ' + it }.join('\n')}
</project>
""", 'UTF-8')
println "pom.xml from README.md's snippet:\n" + pom.getText('UTF-8')
return true
