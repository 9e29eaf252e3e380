/** Which top-level view shows: the inspector/start flow, the guided wizard, or the devices. */
class Route {
  view = $state<'main' | 'wizard' | 'devices'>('main');
}

export const route = new Route();
