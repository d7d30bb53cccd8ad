package io.github.leaderelection.spring.leaderonly;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Makes sure an auto-proxy creator exists, so the {@link LeaderOnlyAdvisor} is applied.
 *
 * <p>Spring Boot's {@code AopAutoConfiguration} usually registers one (without aspectjweaver:
 * the infrastructure-advisor creator, which applies exactly advisors like ours), but not when
 * {@code spring.aop.auto=false} or that auto-configuration is excluded. Registering "if
 * necessary" keeps a more capable creator already registered (AspectJ), and upgrades
 * nothing; like Boot, it proxies classes unless {@code spring.aop.proxy-target-class=false},
 * so a bean implementing an interface can still be injected by its class.
 */
class LeaderOnlyProxyRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
    if (environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true)) {
      AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
    }
  }
}
