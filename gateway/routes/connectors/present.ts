import type { ConnectorTypeRegistry } from '../../../connectors/registry.ts';
import type { Connector } from '../../pipeline/connector-store.ts';
import type { TopicOwnership, TopicProblem } from '../../security/topic-ownership.ts';

/** A connector as the API answers it: secrets shown as placeholders, and what is wrong with it that it cannot fix by running. */
export function createConnectorPresenter(types: ConnectorTypeRegistry, topics: TopicOwnership) {
  const shape = (connector: Connector, problem: TopicProblem | undefined) => ({
    ...connector,
    config: types.redactSecrets(connector.type, connector.config),
    problems: problem === undefined ? [] : [{ code: `topic-${problem.code}`, path: 'topic', message: problem.message }],
  });
  return {
    async one(connector: Connector) {
      return shape(connector, (await topics.problemsOf([connector])).get(connector.id));
    },
    async many(connectors: Connector[]) {
      const problems = await topics.problemsOf(connectors);
      return connectors.map((connector) => shape(connector, problems.get(connector.id)));
    },
  };
}
