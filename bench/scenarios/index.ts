/** Every scenario module registers itself on import; the order here is the run order. */
import './log';
import './commands';
import './peers';
import './scaling';
import './replay';
import './kafka';
