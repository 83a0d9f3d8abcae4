import './base.css';
import './board.css';
import './collab.css';
import './views.css';
import './progress.css';
import './embedding.css';
import './models.css';
import './pins.css';
