/** Which top-level view shows: the inspector/start flow, the guided wizard, training, or the devices. */
class Route {
  view = $state<'main' | 'wizard' | 'train' | 'devices'>('main');
}

export const route = new Route();
