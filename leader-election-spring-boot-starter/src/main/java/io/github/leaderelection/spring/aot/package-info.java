/** AOT processing and native image support: the runtime hints of leader election. */
package io.github.leaderelection.spring.aot;
